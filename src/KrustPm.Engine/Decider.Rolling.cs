using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Rolling restarts: one instance at a time, the next only once the current one's new run is ready, so that a
/// rolling restart never takes down more than one instance at a time. After every message a pass looks at each
/// rolling restart's current instance and moves on, waits, or ends the rolling restart; the answer comes from that
/// pass. A new run that fails before it is ready ends the rolling restart there, and the instances not reached yet
/// are left as they were.
/// </summary>
public static partial class Decider
{
    private static void StartRolling(Transition t, int index, ImmutableArray<long> ids, Message.RestartInstances m)
    {
        if (!m.Wait)
        {
            t.Reply(m.RequestId, CommandResult.Ok(ids.Length));
        }

        t.Emit(new EngineEvent.RollingRestartBegan(m.Program, ids, m.RequestId, AnswerAtEnd: m.Wait, m.At));
        TakeNext(t, index, t.Program(index).Rolling!, ImmutableQueue.CreateRange(ids));
    }

    /// <summary>Moves every rolling restart on as far as the state allows, and ends those that are complete or failed.</summary>
    /// <returns>Whether one moved on (and so restarted an instance, or ended complete).</returns>
    private static bool ProgressRollingRestarts(Transition t, Message message)
    {
        var moved = false;
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            while (t.Program(index).Rolling is { } rolling && Turn(t, index, rolling, message))
            {
                NextTurn(t, index, t.Program(index).Rolling!);
                moved = true;
            }
        }

        return moved;
    }

    /// <summary>
    /// Whether the rolling restart's current instance has taken its turn: its new run is ready (or, for a program
    /// without a readiness check, has run its minimum uptime), or the instance no longer exists. Records the new run
    /// once it is launched, and ends the rolling restart when that run fails first.
    /// </summary>
    private static bool Turn(Transition t, int index, RollingRestart rolling, Message message)
    {
        var program = t.Program(index);
        if (program.Find(rolling.Current) is not { } instance)
        {
            return true; // Gone: remove and scale are refused during a rolling restart, so only an edited state gets here.
        }

        var name = $"{program.Name}.{instance.Id}";
        if (instance is { Status: InstanceStatus.Backoff, ResourceWaits: > 0 })
        {
            // krust-pm's own shortage deferred the new try: the roll waits with it, as moving on would stop the next
            // running instance only for its new try to wait too (see StartDeferred).
            return false;
        }

        if (rolling.Run is null)
        {
            if (instance.RestartRequested || instance.Status is InstanceStatus.Waiting)
            {
                return false; // Its previous run is still stopping, or its new try waits for its dependencies.
            }

            if (!instance.IsLive)
            {
                FailRolling(t, index, rolling, instance.Status is InstanceStatus.Blocked
                    ? $"{name} cannot start: {instance.LastError}"
                    : $"{name} did not start again: it is {instance.Status}");
                return false;
            }

            t.Emit(new EngineEvent.RollingRestartAwaiting(program.Name, instance.Id, instance.RunId!.Value, t.At));
            rolling = t.Program(index).Rolling!;
        }

        var spec = program.Spec;
        if (instance.RunId != rolling.Run)
        {
            FailRolling(t, index, rolling, $"{name}'s new run {HowItEnded(spec, instance, message, rolling.Run!.Value)}");
            return false;
        }

        if (instance.FailingBecause is { } failing)
        {
            FailRolling(t, index, rolling, $"{name}'s new run was stopped {Milestone(spec)}: {failing}");
            return false;
        }

        return instance.Status is InstanceStatus.Running && (spec.Readiness is not null || spec.ReadyLogLine is not null
            ? instance.Ready is true
            : spec.MinUptime <= TimeSpan.Zero || message is Message.UptimeReached u && u.RunId == instance.RunId);
    }

    /// <summary>The current instance has taken its turn: the next one's comes.</summary>
    private static void NextTurn(Transition t, int index, RollingRestart rolling)
    {
        var restarted = t.Program(index).Find(rolling.Current) is null ? rolling.Restarted : rolling.Restarted.Add(rolling.Current);
        TakeNext(t, index, rolling with { Restarted = restarted }, rolling.Remaining);
    }

    /// <summary>
    /// Restarts the first instance of <paramref name="queue"/> that is there to restart, or answers when none is left.
    /// An instance waiting for its dependencies (or blocked) is passed over: it has no run to replace, and starts on
    /// its own once they allow it.
    /// </summary>
    private static void TakeNext(Transition t, int index, RollingRestart rolling, ImmutableQueue<long> queue)
    {
        var name = t.Program(index).Name;
        while (!queue.IsEmpty)
        {
            queue = queue.Dequeue(out var next);
            if (t.Program(index).Find(next) is { } instance && !IsGated(instance))
            {
                t.Emit(new EngineEvent.RollingRestartMoved(name, next, [.. queue], rolling.Restarted, t.At));
                RestartOne(t, index, next);
                return;
            }
        }

        t.Emit(new EngineEvent.RollingRestartEnded(name, RollingOutcome.Completed, null, t.At));
        if (rolling.AnswerAtEnd)
        {
            t.Reply(rolling.RequestId, CommandResult.Ok(rolling.Count));
        }
    }

    /// <summary>A new run failed before it was ready: the rolling restart ends there, and the others are left as they are.</summary>
    private static void FailRolling(Transition t, int index, RollingRestart rolling, string what) =>
        EndRolling(t, index, rolling, CommandFailureKind.InstanceFailed, $"stopped at {t.Program(index).Name}.{rolling.Current}: {what}");

    /// <summary>Ends a rolling restart of the program, if one is in progress, before another command or the shutdown.</summary>
    private static void InterruptRolling(Transition t, int index, string why)
    {
        if (t.Program(index).Rolling is { } rolling)
        {
            EndRolling(t, index, rolling, CommandFailureKind.Interrupted, $"was interrupted at {t.Program(index).Name}.{rolling.Current} {why}");
        }
    }

    private static void EndRolling(Transition t, int index, RollingRestart rolling, CommandFailureKind kind, string what)
    {
        var program = t.Program(index);
        var notRestarted = rolling.Remaining.ToImmutableArray();
        var reason = $"The rolling restart of '{program.Name}' {what}. Restarted: {List(program.Name, rolling.Restarted)}; "
            + $"not restarted (left as they were): {List(program.Name, notRestarted)}.";
        var outcome = kind is CommandFailureKind.Interrupted ? RollingOutcome.Interrupted : RollingOutcome.Failed;
        t.Emit(new EngineEvent.RollingRestartEnded(program.Name, outcome, reason, t.At));
        if (rolling.AnswerAtEnd)
        {
            t.Reply(rolling.RequestId, CommandResult.Failed(new CommandFailure(kind, rolling.Current, reason, rolling.Restarted, notRestarted)));
        }
    }

    /// <summary>Why a command other than a signal or a stop is refused during a rolling restart, and how to end it.</summary>
    private static string RollingInProgress(ProgramState program, RollingRestart rolling) =>
        $"A rolling restart of '{program.Name}' is in progress (at {program.Name}.{rolling.Current}, {rolling.Restarted.Length} of "
        + $"{rolling.Count} restarted); wait for it to end, or end it with a stop of the program or of one instance.";

    /// <summary>What a rolling restart waits for a new run to reach.</summary>
    private static string Milestone(ProgramSpec spec) => spec.Readiness is not null || spec.ReadyLogLine is not null
        ? "before it was ready"
        : $"before it had run for min_uptime_ms ({spec.MinUptime.TotalMilliseconds:0} ms)";

    /// <summary>How the run ended: only its own exit or failed start ends a run while the engine is not shutting down.</summary>
    private static string HowItEnded(ProgramSpec spec, InstanceState instance, Message message, long run) => message switch
    {
        Message.Exited m when m.RunId == run => $"exited with code {m.ExitCode} {Milestone(spec)}",
        Message.StartFailed m when m.RunId == run => $"could not start: {m.Reason}",
        _ => $"ended {Milestone(spec)} (the instance is {instance.Status})",
    };

    private static string List(string program, ImmutableArray<long> ids) =>
        ids.IsEmpty ? "none" : string.Join(", ", ids.Select(id => $"{program}.{id}"));
}
