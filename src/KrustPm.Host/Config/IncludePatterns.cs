using Microsoft.Extensions.FileSystemGlobbing;

namespace KrustPm.Host.Config;

/// <summary>
/// Resolves one pattern of <c>include</c>: a file path, or a glob (<c>conf.d/*.toml</c>, <c>/etc/krust-pm/**/*.toml</c>)
/// matched with Microsoft.Extensions.FileSystemGlobbing, relative to the folder of the file that includes it.
/// </summary>
internal static class IncludePatterns
{
    private static readonly char[] GlobCharacters = ['*', '?', '['];

    /// <summary>The folder a pattern looks in (that of its file, or the one before its first glob segment); <see langword="null"/> for an invalid path.</summary>
    public static string? Folder(string pattern, string directory)
    {
        try
        {
            var full = Path.GetFullPath(pattern, directory);
            var glob = full.IndexOfAny(GlobCharacters);
            var before = glob < 0 ? full : full[..glob];
            return Path.GetDirectoryName(before) is { Length: > 0 } folder ? folder : "/";
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The files <paramref name="pattern"/> names, sorted by path (ordinal) so that the order never depends on the file system.</summary>
    /// <param name="pattern">The pattern as written.</param>
    /// <param name="directory">The folder of the including file.</param>
    /// <param name="files">The matching files (absolute paths).</param>
    /// <returns><see langword="null"/>, or what is wrong: a plain path that is no file. A glob that matches nothing is fine (an empty <c>conf.d</c>).</returns>
    public static string? Resolve(string pattern, string directory, out IReadOnlyList<string> files)
    {
        files = [];
        string full;
        try
        {
            full = Path.GetFullPath(pattern, directory);
        }
        catch (ArgumentException)
        {
            return $"invalid path {TomlSyntax.Quote(pattern)}";
        }

        if (full.IndexOfAny(GlobCharacters) < 0)
        {
            if (Directory.Exists(full))
            {
                return $"{full} is a directory; include its files with a pattern such as \"{Path.Combine(pattern, "*.toml")}\"";
            }

            if (!File.Exists(full))
            {
                return $"file not found: {full}";
            }

            files = [full];
            return null;
        }

        // The root is the folder before the first segment with a glob character; the rest is matched under it.
        var segments = full.Split('/');
        var first = Array.FindIndex(segments, s => s.IndexOfAny(GlobCharacters) >= 0);
        var root = string.Join('/', segments[..first]);
        root = root.Length == 0 ? "/" : root;
        if (!Directory.Exists(root))
        {
            return null;
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', segments[first..]));
        files = [.. matcher.GetResultsInFullPath(root).Order(StringComparer.Ordinal)];
        return null;
    }
}
