namespace KrustPm.Engine;

/// <summary>
/// Restore: krust-pm starts again on the state its journal kept, and the configuration's programs are supervised on
/// top of it. What an operator decided at run time (a scale, a stop, a deleted instance) is kept for every program
/// whose specification did not change; the configuration wins for the others.
/// </summary>
public static partial class Decider
{
    private static void Restore(Transition t, Message.Restore m)
    {
        if (Refusal([], m.Programs) is { } refusal)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.Invalid, refusal));
            return;
        }

        if (t.State.Programs.IsEmpty && t.State.Version == 0)
        {
            Load(t, new Message.Load(m.Programs, m.RequestId, m.At));
            return;
        }

        t.Emit(new EngineEvent.EngineResumed(m.At));
        var wanted = m.Programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var program in t.State.Programs)
        {
            if (!wanted.TryGetValue(program.Name, out var spec))
            {
                t.Emit(new EngineEvent.ProgramRemoved(program.Name, "it is not in the configuration any more", m.At));
            }
            else if (!ProgramSpecs.SameSettings(program.Spec, spec))
            {
                t.Emit(new EngineEvent.ProgramRemoved(program.Name, "its configuration changed: it starts from the configuration, without the changes made at run time", m.At));
            }
        }

        var added = 0;
        foreach (var spec in m.Programs)
        {
            if (t.State.Find(spec.Name) is { } kept)
            {
                added += Resume(t, kept);
            }
            else
            {
                t.Emit(new EngineEvent.ProgramLoaded(spec, m.At));
                AddLoadedInstances(t, spec);
                added += spec.Instances;
            }
        }

        if (!t.State.Programs.Select(p => p.Name).SequenceEqual(m.Programs.Select(p => p.Name)))
        {
            t.Emit(new EngineEvent.ProgramsOrdered([.. m.Programs.Select(p => p.Name)], m.At));
        }

        t.Reply(m.RequestId, CommandResult.Ok(added));
    }

    /// <summary>
    /// Launches again the instances of a kept program that should run: not those a stop command stopped, nor those
    /// that had ended (done, failed, out of retries), nor a job's (<see cref="ProgramSpec.Schedule"/>: its next tick
    /// runs it). Returns how many were launched.
    /// </summary>
    private static int Resume(Transition t, ProgramState program)
    {
        var stays = program.Instances.Count(i => i.StopIntended);
        t.Emit(new EngineEvent.ProgramRestored(program.Name, program.Instances.Length, stays, t.At));
        var launched = 0;
        foreach (var instance in program.Instances)
        {
            if (!instance.StopIntended && instance.Status is not (InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded))
            {
                if (program.Spec.Schedule is not null)
                {
                    // A job runs at its ticks only: a run cut short by krust-pm's end is not made up, the next tick runs it.
                    if (instance.Status is not InstanceStatus.Stopped)
                    {
                        t.Emit(new EngineEvent.InstanceStopped(program.Name, instance.Id, ByCommand: false, t.At));
                    }

                    continue;
                }

                t.Launch(program.Spec, instance, instance.CurrentTry + 1, fresh: true);
                launched++;
            }
        }

        return launched;
    }
}
