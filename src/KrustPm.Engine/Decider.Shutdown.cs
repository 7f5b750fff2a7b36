using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Shutdown: stop everything and start nothing, in reverse dependency order. A program is stopped only once no
/// program that depends on it (directly) has a live run; programs without dependencies all stop at once.
/// </summary>
public static partial class Decider
{
    private static void Shutdown(Transition t, Message.Shutdown m)
    {
        if (!t.State.ShuttingDown)
        {
            t.Emit(new EngineEvent.ShutdownBegan(m.At));
        }

        var held = HeldByDependents(t);
        var awaited = ImmutableHashSet.CreateBuilder<long>();
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            var program = t.Program(index);
            foreach (var instance in program.Instances)
            {
                if (!instance.IsLive)
                {
                    if (instance.Status is InstanceStatus.Backoff or InstanceStatus.Waiting or InstanceStatus.Blocked)
                    {
                        t.Emit(new EngineEvent.InstanceStopped(program.Name, instance.Id, ByCommand: false, m.At));
                    }

                    continue;
                }

                // Every live run is awaited, the held ones too: nothing starts any more, so they all end.
                awaited.Add(instance.RunId!.Value);
                if (!instance.StopRequested && held?[index] != true)
                {
                    t.Stop(program.Spec, instance, StopReason.Shutdown);
                }
            }

            awaited.UnionWith(program.Retiring.Where(r => r.IsLive).Select(r => r.RunId!.Value));
            InterruptRolling(t, index, "because krust-pm is shutting down");
        }

        t.ReplyWhenEnded(m.RequestId, awaited.ToImmutable(), CommandResult.Ok());
    }

    /// <summary>During the shutdown, once a run has ended: stops the programs no live dependent holds back any more.</summary>
    private static void StopReleasedPrograms(Transition t)
    {
        if (!t.State.Programs.Any(p => p.Spec.DependsOn.Count > 0))
        {
            return; // Nothing was held back.
        }

        var held = HeldByDependents(t);
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            if (held?[index] == true)
            {
                continue;
            }

            var program = t.Program(index);
            foreach (var instance in program.Instances)
            {
                if (instance is { IsLive: true, StopRequested: false })
                {
                    t.Stop(program.Spec, instance, StopReason.Shutdown);
                }
            }
        }
    }

    /// <summary>
    /// The programs that must not be stopped yet: a program that depends on them still has a live run (its own,
    /// or a retiring one). <see langword="null"/> when none is held.
    /// </summary>
    private static bool[]? HeldByDependents(Transition t)
    {
        bool[]? held = null;
        var programs = t.State.Programs;
        foreach (var dependent in programs)
        {
            if (dependent.Spec.DependsOn.Count == 0
                || !(dependent.Instances.Any(i => i.IsLive) || dependent.Retiring.Any(i => i.IsLive)))
            {
                continue;
            }

            foreach (var name in dependent.Spec.DependsOn.Keys)
            {
                if (t.IndexOf(name) is var index and >= 0)
                {
                    (held ??= new bool[programs.Length])[index] = true;
                }
            }
        }

        return held;
    }
}
