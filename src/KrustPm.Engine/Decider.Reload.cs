using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Reload: a new configuration applied to the running programs, by the plan of <see cref="ReloadPlanner"/>. Nothing
/// that did not change is touched; what changed in place applies from now on; a launch-relevant change restarts the
/// program (one instance at a time when it has several, or a readiness check); a dropped program is stopped, after the
/// dropped programs that depend on it, and removed once none of its processes is left.
/// </summary>
public static partial class Decider
{
    private static void Reload(Transition t, Message.Reload m)
    {
        var refusal = t.State.ShuttingDown
            ? CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down.")
            : t.State.Programs.FirstOrDefault(p => p.Removing && m.Programs.Any(s => s.Name == p.Name)) is { } leaving
                ? CommandResult.Rejected(RejectionKind.Conflict, $"Program '{leaving.Name}' is still being removed by the previous reload; reload again once it has stopped.")
                : Refusal([], m.Programs) is { } problem ? CommandResult.Rejected(RejectionKind.Invalid, problem) : null;
        if (refusal is not null)
        {
            t.Reply(m.RequestId, refusal);
            return;
        }

        var plan = ReloadPlanner.Plan(t.State, m.Programs);
        t.Emit(new EngineEvent.ConfigReloaded(plan, m.At));
        var specs = m.Programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var entry in plan.Programs)
        {
            switch (entry.Action)
            {
                case ReloadAction.Removed:
                    Retire(t, t.State.IndexOf(entry.Program));
                    break;
                case ReloadAction.Added:
                    t.Emit(new EngineEvent.ProgramLoaded(specs[entry.Program], m.At));
                    AddLoadedInstances(t, specs[entry.Program]);
                    break;
                case ReloadAction.Restarted or ReloadAction.ChangedInPlace:
                    Change(t, t.State.IndexOf(entry.Program), specs[entry.Program], entry);
                    break;
            }
        }

        var order = m.Programs.Select(p => p.Name).Concat(t.State.Programs.Where(p => p.Removing).Select(p => p.Name)).ToImmutableArray();
        if (!t.State.Programs.Select(p => p.Name).SequenceEqual(order))
        {
            t.Emit(new EngineEvent.ProgramsOrdered(order, m.At));
        }

        StopRemovedPrograms(t);
        t.Reply(m.RequestId, CommandResult.Ok(0) with { Plan = plan });
    }

    /// <summary>
    /// A dropped program: no instance of it starts any more (those waiting or in backoff are stopped, a rolling restart
    /// ends); its live ones are stopped by <see cref="StopRemovedPrograms"/>.
    /// </summary>
    private static void Retire(Transition t, int index)
    {
        InterruptRolling(t, index, "by a reload that removes the program");
        var program = t.Program(index);
        t.Emit(new EngineEvent.ProgramRetiring(program.Name, t.At));
        foreach (var instance in program.Instances.Where(i => i.Status is InstanceStatus.Backoff or InstanceStatus.Waiting or InstanceStatus.Blocked))
        {
            t.Emit(new EngineEvent.InstanceStopped(program.Name, instance.Id, ByCommand: false, t.At));
        }
    }

    /// <summary>Applies a changed program's new settings: in place, then the scale, then the restart when one is needed.</summary>
    private static void Change(Transition t, int index, ProgramSpec spec, ProgramReload entry)
    {
        var before = t.Program(index);
        var restart = entry.Action is ReloadAction.Restarted;
        t.Emit(new EngineEvent.ProgramChanged(spec.Name, spec, entry.Changed, restart, t.At));

        if (entry.Changed.Contains("instances") && spec.Instances != before.Instances.Length)
        {
            var count = before.Instances.Length;
            t.Emit(new EngineEvent.Scaled(spec.Name, count, spec.Instances, t.At));
            if (spec.Instances > count)
            {
                AddInstances(t, spec, spec.Instances - count);
            }
            else
            {
                ScaleDown(t, index, count - spec.Instances);
            }
        }

        if (restart)
        {
            Restart(t, index, spec);
        }
        else if (entry.Changed.Contains("readiness") || entry.Changed.Contains("liveness"))
        {
            var readiness = entry.Changed.Contains("readiness");
            foreach (var instance in t.Program(index).Instances.Where(i => i is { Status: InstanceStatus.Running, StopRequested: false }))
            {
                t.Emit(new EngineEvent.ProbesReset(spec.Name, instance.Id, instance.RunId!.Value, readiness, t.At));
            }
        }
    }

    /// <summary>
    /// Restarts a program with its new settings: the live instances one at a time (a rolling restart) when it has
    /// several or a readiness check, else at once; the instances that do not run (stopped, ended, in backoff) start now.
    /// </summary>
    private static void Restart(Transition t, int index, ProgramSpec spec)
    {
        InterruptRolling(t, index, "by a reload that restarts it");
        var program = t.Program(index);
        var live = program.Instances.Where(i => i.IsLive && !i.RestartRequested).Select(i => i.Id).ToImmutableArray();
        foreach (var instance in program.Instances.Where(i => !i.IsLive && !IsGated(i)))
        {
            LaunchAgain(t, spec, instance);
        }

        if (live.Length > 1 || (live.Length == 1 && ReloadPlanner.RollsOnReload(program, spec)))
        {
            t.Emit(new EngineEvent.RollingRestartBegan(spec.Name, live, RequestId: 0, AnswerAtEnd: false, t.At));
            TakeNext(t, index, t.Program(index).Rolling!, ImmutableQueue.CreateRange(live));
            return;
        }

        foreach (var id in live)
        {
            var instance = t.Program(index).Find(id)!;
            t.StopOrRedirect(spec, instance, StopReason.Reload);
        }
    }

    /// <summary>
    /// The programs a reload dropped: their live instances are stopped once no dropped program that depends on them
    /// runs any more, and each is removed once none of its processes is left. Runs after every message.
    /// </summary>
    private static void StopRemovedPrograms(Transition t)
    {
        if (!t.State.Programs.Any(p => p.Removing))
        {
            return;
        }

        var held = HeldByRemovedDependents(t);
        foreach (var program in t.State.Programs.Where(p => p.Removing).ToList())
        {
            var live = program.Instances.Where(i => i.IsLive).ToList();
            if (live.Count == 0 && !program.Retiring.Any(i => i.IsLive))
            {
                t.Emit(new EngineEvent.ProgramRemoved(program.Name, "it was removed from the configuration", t.At));
                continue;
            }

            if (held.Contains(program.Name))
            {
                continue;
            }

            foreach (var instance in live.Where(i => !i.StopRequested))
            {
                t.Stop(program.Spec, instance, StopReason.Unloaded);
            }
        }
    }

    /// <summary>The dropped programs that a dropped program with a live run still depends on: they are stopped after it.</summary>
    private static HashSet<string> HeldByRemovedDependents(Transition t)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dependent in t.State.Programs.Where(p => p.Removing && p.Instances.Any(i => i.IsLive)))
        {
            held.UnionWith(dependent.Spec.DependsOn.Keys);
        }

        return held;
    }
}
