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
        return ReadText(fullPath, out var text) is { } error ? Failure(fullPath, error) : Parse(text, fullPath);
    }

    /// <summary>Parses configuration text.</summary>
    /// <param name="text">The TOML text.</param>
    /// <param name="path">
    /// The file the text comes from: named in problems, and its folder is the base of relative <c>workdir</c>s and
    /// the default working directory.
    /// </param>
    /// <returns>The configuration, or all problems found (in the main file and in the files it includes).</returns>
    public static ConfigLoadResult Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var problems = new ProblemList(fullPath);
        if (ParseDocument(text, fullPath, problems) is not { } document)
        {
            return new ConfigLoadResult(null, problems.ToImmutable());
        }

        var assembly = new ConfigAssembly(problems);
        var config = ConfigDocumentReader.Read(document, fullPath, problems, assembly) with { IncludedFiles = [.. assembly.Included], IncludeFolders = [.. assembly.IncludeFolders] };
        DependencyChecks.Report(assembly.Declared);
        if (config.Cgroup == KrustConfig.CgroupOff)
        {
            foreach (var limit in assembly.Limited)
            {
                limit.Problems.AddKey(
                    limit.Line,
                    limit.Program,
                    limit.Key,
                    $"needs krust-pm's cgroup containment, which is off: set cgroup = \"auto\" at the top of {fullPath} (the kernel enforces the limit through the instance's cgroup; see docs/operations.md, Limits)");
            }
        }
        return assembly.HasProblems
            ? new ConfigLoadResult(null, [.. assembly.Files.SelectMany(f => f.ToImmutable())])
            : new ConfigLoadResult(config, []) { Warnings = [.. assembly.Files.SelectMany(f => f.Warnings())] };
    }

    /// <summary>Reads a configuration file's text.</summary>
    /// <returns><see langword="null"/>, or why the file cannot be read.</returns>
    internal static string? ReadText(string fullPath, out string text)
    {
        text = string.Empty;
        if (Directory.Exists(fullPath))
        {
            return "cannot read the configuration file: it is a directory";
        }

        try
        {
            text = File.ReadAllText(fullPath);
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "cannot read the configuration file: file not found";
        }
        catch (UnauthorizedAccessException)
        {
            return "cannot read the configuration file: permission denied";
        }
        catch (IOException e)
        {
            return $"cannot read the configuration file: {e.Message}";
        }
    }

    /// <summary>Parses TOML text into a syntax tree, reporting syntax errors.</summary>
    /// <returns>The document, or <see langword="null"/> when it has syntax errors (reported).</returns>
    internal static DocumentSyntax? ParseDocument(string text, string fullPath, ProblemList problems)
    {
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, fullPath, validate: true);
        }
        catch (TomlException e) when (IsTooDeep(e))
        {
            problems.Add(LineTooDeep(text, fullPath), $"syntax error: arrays and inline tables nested more than {MaxDepth} levels deep");
            return null;
        }
        catch (TomlException e)
        {
            problems.Add(e.Line, $"syntax error: {e.Message}");
            return null;
        }

        if (!document.HasErrors)
        {
            return document;
        }

        foreach (var diagnostic in document.Diagnostics)
        {
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
            {
                var line = diagnostic.Span.Start.Line;
                problems.Add(line >= 0 ? line + 1 : null, $"syntax error: {diagnostic.Message}");
            }
        }

        return null;
    }

    /// <summary>Tomlyn's limit on nested arrays and inline tables (<c>TomlSerializerOptions.MaxDepth</c>'s default).</summary>
    private const int MaxDepth = 64;

    /// <summary>Tomlyn reports its depth limit with no position and in terms of its own API: recognised to say it better.</summary>
    private static bool IsTooDeep(TomlException error) =>
        error.Line is null && error.Message.StartsWith("The maximum depth of", StringComparison.Ordinal);

    /// <summary>
    /// The line where the nesting goes too deep: the parser stops at the first value past the limit, so the shortest
    /// prefix of whole lines that still trips it ends on that line (found by bisection: a few parses of the file).
    /// </summary>
    private static int? LineTooDeep(string text, string fullPath)
    {
        var lineEnds = new List<int>();
        for (var index = text.IndexOf('\n', StringComparison.Ordinal); index >= 0; index = text.IndexOf('\n', index + 1))
        {
            lineEnds.Add(index + 1);
        }

        lineEnds.Add(text.Length);
        var (low, high) = (0, lineEnds.Count - 1); // the answer is a line index in [low, high]
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (TripsDepthLimit(text[..lineEnds[middle]], fullPath))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return TripsDepthLimit(text[..lineEnds[low]], fullPath) ? low + 1 : null;
    }

    private static bool TripsDepthLimit(string prefix, string fullPath)
    {
        try
        {
            _ = SyntaxParser.Parse(prefix, fullPath, validate: false);
            return false;
        }
        catch (TomlException e) when (IsTooDeep(e))
        {
            return true;
        }
        catch (TomlException)
        {
            return false;
        }
    }

    private static ConfigLoadResult Failure(string fullPath, string message) =>
        new(null, [new ConfigProblem(fullPath, null, null, null, message)]);
}
