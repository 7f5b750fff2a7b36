using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>Stop, start, restart (rolling or not), remove and signal: a program's instances, or one of them.</summary>
public static partial class Decider
{
    private static void StopCommand(Transition t, Message.StopInstances m)
    {
        if (Target(t, m.Program, m.Instance, m.RequestId, allowRolling: true) is not { } target)
        {
            return;
        }

        t.Emit(new EngineEvent.CommandAccepted("stop", m.Program, m.Instance, m.At));

        // A stop is how a rolling restart is ended early (one waiting for a run that never gets ready, say).
        InterruptRolling(t, target.Index, "by a stop command");

        var awaited = ImmutableHashSet.CreateBuilder<long>();
        var affected = 0;
        foreach (var id in target.Ids)
        {
            var (program, instance) = (t.Program(target.Index), t.Program(target.Index).Find(id)!);
            if (instance.Status == InstanceStatus.Stopped)
            {
                continue;
            }

            affected++;
            if (instance.IsLive)
            {
                awaited.Add(instance.RunId!.Value);

                // A stop on purpose, even of a run being restarted for failing its liveness probe.
                t.StopOrRedirect(program.Spec, instance, StopReason.Command);
            }
            else
            {
                // A waiting or blocked instance no longer waits.
                t.Emit(new EngineEvent.InstanceStopped(program.Name, instance.Id, ByCommand: true, m.At));
            }
        }

        t.ReplyWhenEnded(m.RequestId, awaited.ToImmutable(), CommandResult.Ok(affected));
    }

    private static void StartCommand(Transition t, Message.StartInstances m)
    {
        if (Target(t, m.Program, m.Instance, m.RequestId, allowRolling: false) is not { } target
            || RefuseStopping(t, target, m.RequestId, "start"))
        {
            return;
        }

        t.Emit(new EngineEvent.CommandAccepted("start", m.Program, m.Instance, m.At));
        var started = 0;
        foreach (var id in target.Ids)
        {
            var instance = t.Program(target.Index).Find(id)!;
            if (!instance.IsLive)
            {
                LaunchAgain(t, t.Program(target.Index).Spec, instance);
                started++;
            }
        }

        t.Reply(m.RequestId, CommandResult.Ok(started));
    }

    private static void RestartCommand(Transition t, Message.RestartInstances m)
    {
        if (Target(t, m.Program, m.Instance, m.RequestId, allowRolling: false) is not { } target
            || RefuseStopping(t, target, m.RequestId, "restart"))
        {
            return;
        }

        t.Emit(new EngineEvent.CommandAccepted(m.Rolling ? "restart (rolling)" : "restart", m.Program, m.Instance, m.At));
        if (m.Rolling && target.Ids.Length > 1)
        {
            // Moved on, answered and ended by the rolling restart pass after every message (Decider.Rolling).
            StartRolling(t, target.Index, target.Ids, m);
            RestartDependents(t, m);
            return;
        }

        var awaited = ImmutableHashSet.CreateBuilder<long>();
        foreach (var id in target.Ids)
        {
            if (RestartOne(t, target.Index, id) is { } run)
            {
                awaited.Add(run);
            }
        }

        RestartDependents(t, m);
        t.ReplyWhenEnded(m.RequestId, m.Wait ? awaited.ToImmutable() : [], CommandResult.Ok(target.Ids.Length));
    }

    private static void RemoveCommand(Transition t, Message.RemoveInstance m)
    {
        if (Target(t, m.Program, m.Instance, m.RequestId, allowRolling: false) is not { } target)
        {
            return;
        }

        t.Emit(new EngineEvent.CommandAccepted("delete", m.Program, m.Instance, m.At));
        var program = t.Program(target.Index);
        var instance = program.Find(m.Instance)!;
        var awaited = ImmutableHashSet<long>.Empty;
        if (instance.IsLive)
        {
            awaited = awaited.Add(instance.RunId!.Value);
            if (!instance.StopRequested)
            {
                t.Stop(program.Spec, instance, StopReason.Removed);
            }
        }

        t.Emit(new EngineEvent.InstanceRemoved(program.Name, instance.Id, m.At));
        t.ReplyWhenEnded(m.RequestId, awaited, CommandResult.Ok(1));
    }

    private static void SignalCommand(Transition t, Message.SignalInstances m)
    {
        if (Target(t, m.Program, m.Instance, m.RequestId, allowRolling: true) is not { } target)
        {
            return;
        }

        var program = t.Program(target.Index);
        var live = target.Ids.Select(id => program.Find(id)!).Where(i => i.IsLive).ToList();
        if (m.Instance is { } one && live.Count == 0)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.Conflict, $"{m.Program}.{one} is not running."));
            return;
        }

        t.Emit(new EngineEvent.CommandAccepted($"signal {Signals.NameOf(m.Signal)}", m.Program, m.Instance, m.At));
        foreach (var instance in live)
        {
            t.Emit(new EngineEvent.Signalled(program.Name, instance.Id, instance.RunId!.Value, m.Signal, m.At)
            {
                Target = m.Target ?? program.Spec.StopSignalTarget,
            });
        }

        t.Reply(m.RequestId, CommandResult.Ok(live.Count));
    }

    /// <summary>Restarts one instance: a live one is stopped and started again when it has exited, another starts now.</summary>
    /// <returns>The run whose end the restart waits for, if any.</returns>
    private static long? RestartOne(Transition t, int index, long id)
    {
        var program = t.Program(index);
        var instance = program.Find(id)!;
        if (!instance.IsLive)
        {
            LaunchAgain(t, program.Spec, instance);
            return null;
        }

        // A rolling restart can reach an instance already being stopped for failing its liveness probe: it is
        // restarted on purpose now (no second signal, and its end is no longer a failure).
        t.StopOrRedirect(program.Spec, instance, StopReason.Restart);
        return instance.RunId;
    }

    /// <summary>A new try for an instance started on purpose: its failure streak starts over.</summary>
    private static void LaunchAgain(Transition t, ProgramSpec spec, InstanceState instance)
    {
        // An instance in backoff, or waiting for its dependencies, already counts the try it waits for.
        var nextTry = instance.Status is InstanceStatus.Backoff || IsGated(instance) ? instance.CurrentTry : instance.CurrentTry + 1;
        t.Launch(spec, instance, nextTry, fresh: true);
    }

    /// <summary>Refuses to start or restart instances that are being stopped (409): the caller retries once they have stopped.</summary>
    private static bool RefuseStopping(Transition t, CommandTarget target, long requestId, string verb)
    {
        var program = t.Program(target.Index);
        if (target.Ids.Select(id => program.Find(id)!).FirstOrDefault(i => i.Status == InstanceStatus.Stopping) is not { } stopping)
        {
            return false;
        }

        t.Reply(requestId, CommandResult.Rejected(
            RejectionKind.Conflict, $"{program.Name}.{stopping.Id} is being stopped; {verb} it once it has stopped."));
        return true;
    }

    /// <summary>
    /// Finds the program and instances a command is about, or answers why it cannot apply. During a rolling restart of
    /// the program only the commands that <paramref name="allowRolling"/> apply (a signal, a stop).
    /// </summary>
    private static CommandTarget? Target(Transition t, string name, long? instance, long requestId, bool allowRolling)
    {
        var index = t.State.IndexOf(name);
        var program = index < 0 ? null : t.Program(index);
        var rejection = (program, instance) switch
        {
            (null, _) => CommandResult.Rejected(RejectionKind.NotFound, $"There is no program named '{name}'."),
            _ when t.State.ShuttingDown => CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down."),
            _ when program.Removing => CommandResult.Rejected(RejectionKind.Conflict, $"Program '{name}' is being removed by a reload."),
            (_, { } id) when program.Find(id) is null =>
                CommandResult.Rejected(RejectionKind.NotFound, $"Program '{name}' has no instance {id}."),
            _ when !allowRolling && program.Rolling is { } rolling =>
                CommandResult.Rejected(RejectionKind.Conflict, RollingInProgress(program, rolling)),
            _ => null,
        };
        if (rejection is not null)
        {
            t.Reply(requestId, rejection);
            return null;
        }

        return new CommandTarget(index, instance is { } one ? [one] : [.. program!.Instances.Select(i => i.Id)]);
    }

    private sealed record CommandTarget(int Index, ImmutableArray<long> Ids);
}
