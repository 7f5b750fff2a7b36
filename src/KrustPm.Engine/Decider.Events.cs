
namespace KrustPm.Engine;

public static partial class Decider
{
    private static void Started(Transition t, Message.Started m)
    {
        if (FindRun(t.State, m.RunId) is not { } at)
        {
            return; // A run that already ended or was never ours: nothing to update.
        }

        var program = t.Program(at.Program);
        var instance = at.Get(t.State);
        t.Emit(new EngineEvent.InstanceStarted(program.Name, instance.Id, m.RunId, instance.CurrentTry, m.Pid, m.At));
    }

    /// <summary>A run stayed up long enough to be stable: its instance's failure streak is over.</summary>
    private static void UptimeReached(Transition t, Message.UptimeReached m)
    {
        if (FindRun(t.State, m.RunId) is { } at && at.Get(t.State) is { Status: InstanceStatus.Running, ConsecutiveFailures: > 0 } instance)
        {
            t.Emit(new EngineEvent.InstanceStable(t.Program(at.Program).Name, instance.Id, m.RunId, m.At));
        }
    }

    /// <summary>A run exited or could not start: decide what becomes of its instance.</summary>
    private static void RunEnded(Transition t, long runId, DateTimeOffset at, int? exitCode, string? error, double jitter)
    {
        if (FindRun(t.State, runId) is not { } location)
        {
            return; // Already ended (a duplicate report): ignore.
        }

        var program = t.Program(location.Program);
        var spec = program.Spec;
        var before = location.Get(t.State);

        // A run that stayed up the minimum uptime was stable: the failure streak it follows no longer counts.
        var stable = before is { Pid: not null, StartedAt: { } startedAt } && at - startedAt >= spec.MinUptime;
        var streak = stable ? 0 : before.ConsecutiveFailures;
        var ended = new Ending(spec.Name, before.Id, runId, before.CurrentTry, exitCode, at);
        if (location.Retiring)
        {
            t.Emit(ended.As(ExitOutcome.Removed, error, streak));
        }
        else if (before.RestartRequested && !t.State.ShuttingDown)
        {
            t.Emit(ended.As(ExitOutcome.Restarting, error, streak));
            LaunchAgain(t, spec, location.Get(t.State));
        }
        else if (before.FailingBecause is { } reason && !t.State.ShuttingDown)
        {
            // Stopped because its liveness probe kept failing: a failed try, whatever its exit code.
            AfterFailure(t, spec, before, ended, reason, streak + 1, jitter);
        }
        else if (before.StopRequested || t.State.ShuttingDown)
        {
            t.Emit(ended.As(ExitOutcome.Stopped, error, streak));
        }
        else if (exitCode is { } code && spec.IsSuccessExit(code) && spec.Restart is RestartPolicy.Always)
        {
            Relaunch(t, spec, before, ended, error, failures: 0, spec.RestartDelay);
        }
        else if (exitCode is { } clean && spec.IsSuccessExit(clean))
        {
            t.Emit(ended.As(ExitOutcome.Done, error, 0));
        }
        else
        {
            AfterFailure(t, spec, before, ended, error, streak + 1, jitter);
        }

        ResolvePendingReplies(t, runId);
    }

    /// <summary>A try failed: back off before the next one, or give up when the policy or the retry budget says so.</summary>
    private static void AfterFailure(
        Transition t, ProgramSpec spec, InstanceState instance, Ending ended, string? error, int failures, double jitter)
    {
        if (spec.Restart is RestartPolicy.Never)
        {
            t.Emit(ended.As(ExitOutcome.Failed, error, failures));
        }
        else if (!spec.RetriesForever && failures > spec.MaxRetries)
        {
            t.Emit(ended.As(ExitOutcome.RetriesExceeded, error, failures));
        }
        else
        {
            Relaunch(t, spec, instance, ended, error, failures, Backoff.Delay(spec, failures, jitter));
        }
    }

    /// <summary>Starts the next try now, or schedules it and waits in <see cref="InstanceStatus.Backoff"/>.</summary>
    private static void Relaunch(
        Transition t, ProgramSpec spec, InstanceState instance, Ending ended, string? error, int failures, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            t.Emit(ended.As(ExitOutcome.Retrying, error, failures));
            t.Launch(spec, t.Program(t.IndexOf(spec.Name)).Find(instance.Id)!, instance.CurrentTry + 1);
            return;
        }

        var due = delay < DateTimeOffset.MaxValue - ended.At ? ended.At + delay : DateTimeOffset.MaxValue;
        t.Emit(ended.As(ExitOutcome.Retrying, error, failures) with { NextTryAt = due });
    }

    private static void RetryDue(Transition t, Message.RetryDue m)
    {
        var index = t.IndexOf(m.Program);
        if (index < 0)
        {
            return;
        }

        var instance = t.Program(index).Find(m.InstanceId);
        if (instance is not { Status: InstanceStatus.Backoff, IsLive: false } || instance.CurrentTry != m.Try)
        {
            return; // Scaled away while it waited, stopped, or already relaunched: the timer is stale.
        }

        t.Launch(t.Program(index).Spec, instance, m.Try);
    }

    private static void StopTimeoutElapsed(Transition t, Message.StopTimeoutElapsed m)
    {
        if (FindRun(t.State, m.RunId) is { } at && at.Get(t.State) is { StopRequested: true } instance)
        {
            var spec = t.Program(at.Program).Spec;
            t.Emit(new EngineEvent.Killed(spec.Name, instance.Id, m.RunId, spec.StopTimeout, m.At));
        }
    }

    /// <summary>Answers the requests that waited for nothing but this run to end.</summary>
    private static void ResolvePendingReplies(Transition t, long endedRun)
    {
        foreach (var reply in t.State.PendingReplies)
        {
            if (reply.AwaitedRuns.IsEmpty)
            {
                t.Reply(reply.RequestId, reply.Result);
            }
        }
    }

    private static RunLocation? FindRun(EngineState state, long runId)
    {
        for (var p = 0; p < state.Programs.Length; p++)
        {
            var program = state.Programs[p];
            var index = program.Instances.FindIndex(i => i.RunId == runId);
            if (index >= 0)
            {
                return new RunLocation(p, Retiring: false, index);
            }

            index = program.Retiring.FindIndex(i => i.RunId == runId);
            if (index >= 0)
            {
                return new RunLocation(p, Retiring: true, index);
            }
        }

        return null;
    }

    /// <summary>The parts of an <see cref="EngineEvent.InstanceExited"/> known before its outcome is decided.</summary>
    private sealed record Ending(string Program, long Instance, long RunId, int Try, int? ExitCode, DateTimeOffset At)
    {
        public EngineEvent.InstanceExited As(ExitOutcome outcome, string? error, int failures) =>
            new(Program, Instance, RunId, Try, ExitCode, error, outcome, failures, NextTryAt: null, At);
    }

    /// <summary>Where a run's instance sits: which program, and which list (instances or retiring).</summary>
    private readonly record struct RunLocation(int Program, bool Retiring, int Index)
    {
        public InstanceState Get(EngineState state) =>
            Retiring ? state.Programs[Program].Retiring[Index] : state.Programs[Program].Instances[Index];
    }
}
