using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// Loads a krust-pm TOML configuration file into a <see cref="KrustConfig"/>, collecting every problem instead of
/// stopping at the first. Walks Tomlyn's syntax tree by hand (no reflection), so it is Native-AOT friendly.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Reads and parses the configuration file at <paramref name="path"/>.</summary>
    /// <param name="path">The file's path, absolute or relative to the current directory.</param>
    /// <returns>The configuration, or the problems (including a missing or unreadable file).</returns>
    public static ConfigLoadResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            return Failure(fullPath, "cannot read the configuration file: it is a directory");
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failure(fullPath, "cannot read the configuration file: file not found");
        }
        catch (UnauthorizedAccessException)
        {
            return Failure(fullPath, "cannot read the configuration file: permission denied");
        }
        catch (IOException e)
        {
            return Failure(fullPath, $"cannot read the configuration file: {e.Message}");
        }

        return Parse(text, fullPath);
    }

    /// <summary>Parses configuration text.</summary>
    /// <param name="text">The TOML text.</param>
    /// <param name="path">
    /// The file the text comes from: named in problems, and its folder is the base of relative <c>workdir</c>s and
    /// the default working directory.
    /// </param>
    /// <returns>The configuration, or all problems found.</returns>
    public static ConfigLoadResult Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var problems = new ProblemList(fullPath);
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, fullPath, validate: true);
        }
        catch (TomlException e)
        {
            problems.Add(e.Line, $"syntax error: {e.Message}");
            return new ConfigLoadResult(null, problems.ToImmutable());
        }

        if (document.HasErrors)
        {
            foreach (var diagnostic in document.Diagnostics)
            {
                if (diagnostic.Kind == DiagnosticMessageKind.Error)
                {
                    var line = diagnostic.Span.Start.Line;
                    problems.Add(line >= 0 ? line + 1 : null, $"syntax error: {diagnostic.Message}");
                }
            }

            return new ConfigLoadResult(null, problems.ToImmutable());
        }

        var config = ConfigDocumentReader.Read(document, fullPath, problems);
        return new ConfigLoadResult(problems.Count == 0 ? config : null, problems.ToImmutable());
    }

    private static ConfigLoadResult Failure(string fullPath, string message) =>
        new(null, [new ConfigProblem(fullPath, null, null, null, message)]);
}
