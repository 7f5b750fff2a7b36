using System.Collections.Immutable;
using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>How a reload went: the file did not load, the engine refused it, or the plan (applied, or only shown).</summary>
/// <param name="File">The configuration file read.</param>
/// <param name="DryRun">Whether the plan was only shown.</param>
internal sealed record ReloadOutcome(string File, bool DryRun)
{
    /// <summary>Why the file did not load (located, as <c>krust-pm check</c> prints them); empty when it loaded.</summary>
    public ImmutableArray<ConfigProblem> Problems { get; init; } = [];

    /// <summary>The engine's refusal (krust-pm is shutting down, a program is still being removed), if it refused.</summary>
    public CommandResult? Refusal { get; init; }

    /// <summary>What happens (or happened) to each program; <see langword="null"/> when nothing was planned.</summary>
    public ReloadPlan? Plan { get; init; }

    /// <summary>The top-level keys that changed in the file, applied or kept until krust-pm restarts.</summary>
    public ImmutableArray<TopLevelChange> TopLevel { get; init; } = [];

    /// <summary>What may fail when a program starts (a user or an executable not found now); the reload goes on.</summary>
    public ImmutableArray<ConfigProblem> Warnings { get; init; } = [];

    /// <summary>A one-line summary of the plan, with the top-level keys: <c>1 added, ...; 1 top-level key needs a restart of krust-pm (log_dir)</c>.</summary>
    public string Summary()
    {
        var summary = Plan?.Summary() ?? "nothing changed";
        var kept = TopLevel.Where(c => !c.Applied).Select(c => c.Key).ToList();
        var applied = TopLevel.Where(c => c.Applied).Select(c => c.Key).ToList();
        if (applied.Count > 0)
        {
            summary += $"; applied {string.Join(", ", applied)}";
        }

        return kept.Count == 0 ? summary : summary + $"; {kept.Count} top-level key(s) need a restart of krust-pm ({string.Join(", ", kept)})";
    }
}
