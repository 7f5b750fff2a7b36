using System.Collections.Immutable;

namespace KrustPm.Host.Config;

/// <summary>Collects the problems of one configuration file.</summary>
internal sealed class ProblemList(string file)
{
    private readonly List<ConfigProblem> problems = [];
    private readonly List<ConfigProblem> warnings = [];

    public string File { get; } = file;

    public int Count => problems.Count;

    /// <summary>Adds a problem about the file as a whole or a top-level construct.</summary>
    public void Add(int? line, string message) => problems.Add(new ConfigProblem(File, line, null, null, message));

    /// <summary>Adds a problem of a program that is not about one key.</summary>
    public void AddProgram(int? line, string program, string message) =>
        problems.Add(new ConfigProblem(File, line, program, null, message));

    /// <summary>Adds a problem with a key's value, rendered as <c>key 'KEY': DETAIL</c>.</summary>
    public void AddKey(int? line, string? program, string key, string detail) =>
        problems.Add(new ConfigProblem(File, line, program, key, $"key '{key}': {detail}"));

    /// <summary>Adds a problem that names a key in its own words (missing, unknown).</summary>
    public void AddAboutKey(int? line, string? program, string key, string message) =>
        problems.Add(new ConfigProblem(File, line, program, key, message));

    /// <summary>Adds a warning about a key's value: what would fail if krust-pm started now, but may change before.</summary>
    public void AddWarning(int? line, string program, string key, string detail) =>
        warnings.Add(new ConfigProblem(File, line, program, key, $"key '{key}': {detail}") { IsWarning = true });

    /// <summary>The warnings, in line order.</summary>
    public ImmutableArray<ConfigProblem> Warnings() => [.. warnings.OrderBy(p => p.Line ?? 0)];

    /// <summary>The problems, in line order (problems without a line first), keeping the order within a line.</summary>
    public ImmutableArray<ConfigProblem> ToImmutable() => [.. problems.OrderBy(p => p.Line ?? 0)];
}
