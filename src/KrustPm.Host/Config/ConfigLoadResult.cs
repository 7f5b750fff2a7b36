using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace KrustPm.Host.Config;

/// <summary>The outcome of loading a configuration: the configuration, or every problem found.</summary>
/// <param name="Config">The configuration; <see langword="null"/> when there are problems.</param>
/// <param name="Problems">All problems found, in file order; empty when the configuration is valid.</param>
public sealed record ConfigLoadResult(KrustConfig? Config, ImmutableArray<ConfigProblem> Problems)
{
    /// <summary>
    /// What would fail if krust-pm started now but may change before it does (a user or an executable that cannot
    /// be found yet); each has <see cref="ConfigProblem.IsWarning"/> set. Empty when the file has problems.
    /// </summary>
    public ImmutableArray<ConfigProblem> Warnings { get; init; } = [];

    /// <summary>Whether the configuration loaded without problems.</summary>
    [MemberNotNullWhen(true, nameof(Config))]
    public bool IsValid => Config is not null && Problems.IsEmpty;
}
