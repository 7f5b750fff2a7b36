using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Plans a live reload: what happens to each program when the engine is given a new configuration
/// (<see cref="Message.Reload"/>). Pure: the same state and programs give the same plan, which is both what a dry run
/// shows and what the reload does.
/// </summary>
public static class ReloadPlanner
{
    /// <summary>The plan of a reload of <paramref name="programs"/> on <paramref name="state"/>.</summary>
    /// <param name="state">The engine's state.</param>
    /// <param name="programs">The new configuration's programs, in order.</param>
    /// <returns>One entry per program of the new configuration, in its order, then one per program it drops.</returns>
    public static ReloadPlan Plan(EngineState state, ImmutableArray<ProgramSpec> programs)
    {
        var entries = ImmutableArray.CreateBuilder<ProgramReload>();
        foreach (var spec in programs)
        {
            entries.Add(state.Find(spec.Name) is { Removing: false } running ? Changed(running, spec) : Added(spec));
        }

        var wanted = programs.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var program in state.Programs.Where(p => !p.Removing && !wanted.Contains(p.Name)))
        {
            var live = program.Instances.Count(i => i.IsLive);
            entries.Add(new ProgramReload(program.Name, ReloadAction.Removed, [], [
                live == 0
                    ? "no instance is running: it is removed at once"
                    : $"its {live} running instance(s) are stopped ({Signals.NameOf(program.Spec.StopSignal)}, SIGKILL after {program.Spec.StopTimeout.TotalMilliseconds:0} ms; after the programs that depend on it), then it is removed",
            ]));
        }

        return new ReloadPlan(entries.ToImmutable());
    }

    /// <summary>Whether a program restarted by a reload restarts one instance at a time.</summary>
    internal static bool RollsOnReload(ProgramState program, ProgramSpec spec) =>
        program.Instances.Count(i => i.IsLive) > 1 || spec.Readiness is not null || spec.ReadyLogLine is not null;

    private static ProgramReload Added(ProgramSpec spec) =>
        new(spec.Name, ReloadAction.Added, [], [$"{spec.Instances} instance(s) start{(spec.DependsOn.IsEmpty ? string.Empty : " once their dependencies allow")}"]);

    private static ProgramReload Changed(ProgramState program, ProgramSpec spec)
    {
        var changes = SpecChanges.Between(program.Spec, spec);
        var keys = changes.Select(c => c.Key).ToImmutableArray();
        var details = ImmutableArray.CreateBuilder<string>();
        var restart = changes.Any(c => c.Effect is ChangeEffect.Restart);
        var count = program.Instances.Length;
        if (keys.Contains("instances"))
        {
            details.Add($"scaled from {count} to {spec.Instances} instance(s): instances changed in the file");
        }
        else if (count != spec.Instances)
        {
            details.Add($"keeps its {count} instance(s), scaled at run time: instances did not change in the file ({spec.Instances})");
        }

        if (restart)
        {
            details.Add(RollsOnReload(program, spec)
                ? "restarted one instance at a time, each once the one before runs again (ready, or up min_uptime_ms)"
                : "its instance is restarted with the new settings");
            if (program.Instances.Any(i => !i.IsLive))
            {
                details.Add("its instances that do not run (stopped, ended, waiting) start again with the new settings");
            }
        }
        else if (program.Instances.Count(i => i.StopIntended) is var stopped and > 0)
        {
            details.Add($"{stopped} instance(s) stopped by a command stay stopped");
        }

        if (!restart && (keys.Contains("readiness") || keys.Contains("liveness")))
        {
            details.Add("the probes of its running instances start over with the new settings");
        }

        var action = keys.IsEmpty ? ReloadAction.Unchanged : restart ? ReloadAction.Restarted : ReloadAction.ChangedInPlace;
        return new ProgramReload(spec.Name, action, keys, details.ToImmutable());
    }
}
