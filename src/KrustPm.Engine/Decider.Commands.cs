using System.Collections.Immutable;

namespace KrustPm.Engine;

public static partial class Decider
{
    private static void Load(Transition t, Message.Load m)
    {
        if (t.State.ShuttingDown)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down."));
            return;
        }

        if (Refusal(t.State.Programs.Select(p => p.Spec), m.Programs) is { } refusal)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.Invalid, refusal));
            return;
        }

        // A program that depends on one listed after it waits for now: the pass after this message sees them all.
        var added = 0;
        foreach (var spec in m.Programs)
        {
            t.Emit(new EngineEvent.ProgramLoaded(spec, m.At));
            AddLoadedInstances(t, spec);
            added += spec.Instances;
        }

        t.Reply(m.RequestId, CommandResult.Ok(added));
    }

    /// <summary>
    /// Why <paramref name="programs"/> cannot be supervised beside <paramref name="kept"/>: a name twice, an unusable
    /// specification, dependencies that cannot be met; <see langword="null"/> when they can.
    /// </summary>
    private static string? Refusal(IEnumerable<ProgramSpec> kept, ImmutableArray<ProgramSpec> programs)
    {
        var names = new HashSet<string>(kept.Select(p => p.Name), StringComparer.Ordinal);
        foreach (var spec in programs)
        {
            if ((names.Add(spec.Name) ? Problem(spec) : $"A program named {ProgramRules.Quote(spec.Name)} already exists.") is { } problem)
            {
                return problem;
            }
        }

        return DependencyProblems(kept, programs);
    }

    /// <summary>What is wrong with the dependencies of the programs, kept and new together; <see langword="null"/> when nothing.</summary>
    private static string? DependencyProblems(IEnumerable<ProgramSpec> kept, ImmutableArray<ProgramSpec> programs)
    {
        if (programs.All(p => p.DependsOn.Count == 0))
        {
            return null; // Programs already kept cannot depend on new ones: they were checked without them.
        }

        var problems = Health.DependencyGraph.Check([.. kept, .. programs]);
        return problems.Count == 0
            ? null
            : "The dependencies cannot be met: "
                + string.Join("; ", problems.Select(p => $"program '{p.Program}' depends on '{p.Dependency}': {p.Message}")) + ".";
    }

    /// <summary>Why <paramref name="spec"/>'s program cannot have <paramref name="count"/> instances, or <see langword="null"/>.</summary>
    private static string? ScaleProblem(ProgramSpec spec, int count) => (spec with { Instances = count }).Validate() switch
    {
        [] => null,
        [{ Key: "instances" } first, ..] => $"Cannot scale {ProgramRules.Quote(spec.Name)} to {count}: {first.Message}; give 0 to {spec.MaxInstances}.",
        [var first, ..] => $"Cannot scale {ProgramRules.Quote(spec.Name)} to {count}: key '{first.Key}': {first.Message}.",
    };

    /// <summary>The first rule <paramref name="spec"/> breaks (<see cref="ProgramSpec.Validate"/>) as a sentence, or <see langword="null"/>.</summary>
    private static string? Problem(ProgramSpec spec) => spec.Validate() switch
    {
        [] => null,
        [{ Key: "name" } name, ..] => $"Program {ProgramRules.Quote(spec.Name)}: {name.Message}.",
        [var first, ..] => $"Program {ProgramRules.Quote(spec.Name)}: key '{first.Key}'{(first.Item is { } item ? $" (item {item + 1})" : string.Empty)}: {first.Message}.",
    };

    private static void Scale(Transition t, Message.Scale m)
    {
        var index = t.State.IndexOf(m.Program);
        if (index < 0)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.NotFound, $"There is no program named '{m.Program}'."));
            return;
        }

        var program = t.Program(index);
        var rejection = m switch
        {
            _ when t.State.ShuttingDown => CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down."),
            _ when program.Removing => CommandResult.Rejected(RejectionKind.Conflict, $"Program '{m.Program}' is being removed by a reload."),
            _ when program.Rolling is { } rolling => CommandResult.Rejected(RejectionKind.Conflict, RollingInProgress(program, rolling)),
            // The spec's own rules decide a count (not negative, within max_instances, one log file per instance).
            _ when ScaleProblem(program.Spec, m.To) is { } problem => CommandResult.Rejected(RejectionKind.Invalid, problem),
            _ => null,
        };
        if (rejection is not null)
        {
            t.Reply(m.RequestId, rejection);
            return;
        }

        var count = program.Instances.Length;
        if (m.To != count)
        {
            t.Emit(new EngineEvent.Scaled(m.Program, count, m.To, m.At));
        }

        if (m.To >= count)
        {
            AddInstances(t, program.Spec, m.To - count);
            t.Reply(m.RequestId, CommandResult.Ok(m.To - count));
        }
        else
        {
            var awaited = ScaleDown(t, index, count - m.To);
            t.ReplyWhenEnded(m.RequestId, awaited, CommandResult.Ok(count - m.To));
        }
    }

    /// <summary>Adds instances with new ids to a program, each launched (or waiting for its dependencies).</summary>
    private static void AddInstances(Transition t, ProgramSpec spec, int count)
    {
        for (var n = 0; n < count; n++)
        {
            var program = t.State.Find(spec.Name)!;
            var id = program.NextInstanceId;
            t.Emit(new EngineEvent.InstanceAdded(spec.Name, id, FreeIndex(program.Instances), t.At));
            t.Launch(spec, t.State.Find(spec.Name)!.Find(id)!, 1);
        }
    }

    /// <summary>
    /// Adds the instances of a program that is loaded (at start-up, by a reload, or new in a restored journal): launched,
    /// or with <see cref="ProgramSpec.Autostart"/> off, listed as stopped by intent, so that only a start command starts
    /// them and a restart of krust-pm keeps them stopped.
    /// </summary>
    private static void AddLoadedInstances(Transition t, ProgramSpec spec)
    {
        if (spec.Autostart && spec.Schedule is null)
        {
            AddInstances(t, spec, spec.Instances);
            return;
        }

        for (var n = 0; n < spec.Instances; n++)
        {
            var program = t.State.Find(spec.Name)!;
            var id = program.NextInstanceId;
            t.Emit(new EngineEvent.InstanceAdded(spec.Name, id, FreeIndex(program.Instances), t.At));
            // A job waits for its first tick (not stopped by intent: a tick starts it); autostart = false waits for a command.
            t.Emit(new EngineEvent.InstanceStopped(spec.Name, id, ByCommand: !spec.Autostart, t.At));
        }
    }

    /// <summary>Removes the oldest instances; the live ones are stopped and kept as retiring until they exit.</summary>
    private static ImmutableHashSet<long> ScaleDown(Transition t, int index, int removed)
    {
        var program = t.Program(index);
        var awaited = ImmutableHashSet.CreateBuilder<long>();
        foreach (var instance in program.Instances.Take(removed))
        {
            if (instance.IsLive)
            {
                awaited.Add(instance.RunId!.Value);
                if (!instance.StopRequested)
                {
                    t.Stop(program.Spec, instance, StopReason.ScaleDown);
                }
            }

            t.Emit(new EngineEvent.InstanceRemoved(program.Name, instance.Id, t.At));
        }

        return awaited.ToImmutable();
    }
}
