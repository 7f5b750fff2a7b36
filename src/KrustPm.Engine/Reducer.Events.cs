using System.Collections.Immutable;

namespace KrustPm.Engine;

public static partial class Reducer
{
    private static void Started(Transition t, Message.Started m)
    {
        if (FindRun(t.State, m.RunId) is not { } at)
        {
            return; // A run that already ended or was never ours: nothing to update.
        }

        var instance = at.Get(t.State);
        var spec = t.Program(at.Program).Spec;
        var started = instance with { Pid = m.Pid, StartedAt = m.At };
        if (instance.ResourceWaits > 0)
        {
            // The error was krust-pm's own shortage, over now that the try has started.
            started = started with { ResourceWaits = 0, LastError = null };
        }

        if (instance.Status is InstanceStatus.Started)
        {
            started = started with { Status = InstanceStatus.Running };
            if (spec.MinUptime <= TimeSpan.Zero)
            {
                started = started with { ConsecutiveFailures = 0 };
            }
            else
            {
                t.Effects.Add(new Effect.Schedule(new Message.UptimeReached(m.RunId, m.At + spec.MinUptime)));
            }

            ScheduleFirstProbes(t, spec, m.RunId, m.At);
        }

        at.Set(t, started);
    }

    /// <summary>A run stayed up long enough to be stable: its instance's failure streak is over.</summary>
    private static void UptimeReached(Transition t, Message.UptimeReached m)
    {
        if (FindRun(t.State, m.RunId) is { } at && at.Get(t.State) is { Status: InstanceStatus.Running, ConsecutiveFailures: > 0 } instance)
        {
            at.Set(t, instance with { ConsecutiveFailures = 0 });
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
        var instance = before with
        {
            RunId = null,
            Pid = null,
            ExitedAt = at,
            LastExitCode = exitCode,
            LastError = error,
            ResourceWaits = 0, // it ran, or failed for a reason of its own: no longer a wait for krust-pm's resources
            ConsecutiveFailures = stable ? 0 : before.ConsecutiveFailures,
            Ready = InitialReady(spec),
            ProbesInFlight = Health.ProbeKinds.None,
            FailingBecause = null,
        };

        if (location.Retiring)
        {
            t.SetProgram(location.Program, program with { Retiring = program.Retiring.RemoveAt(location.Index) });
        }
        else if (instance.RestartRequested && !t.State.ShuttingDown)
        {
            location.Set(t, LaunchAgain(t, spec, instance));
        }
        else if (before.FailingBecause is { } reason && !t.State.ShuttingDown)
        {
            // Stopped because its liveness probe kept failing: a failed try, whatever its exit code.
            var failed = instance with { LastError = reason, StopRequested = false, ConsecutiveFailures = instance.ConsecutiveFailures + 1 };
            location.Set(t, AfterFailure(t, spec, failed, at, jitter));
        }
        else if (instance.StopRequested || t.State.ShuttingDown)
        {
            location.Set(t, instance with { Status = InstanceStatus.Stopped, RestartRequested = false });
        }
        else if (exitCode == 0)
        {
            var clean = instance with { ConsecutiveFailures = 0 };
            location.Set(t, spec.Restart is RestartPolicy.Always
                ? Relaunch(t, spec, clean, spec.RestartDelay, at)
                : clean with { Status = InstanceStatus.Done });
        }
        else
        {
            location.Set(t, AfterFailure(t, spec, instance with { ConsecutiveFailures = instance.ConsecutiveFailures + 1 }, at, jitter));
        }

        ResolvePendingReplies(t, runId);
    }

    /// <summary>A try failed: back off before the next one, or give up when the policy or the retry budget says so.</summary>
    private static InstanceState AfterFailure(Transition t, ProgramSpec spec, InstanceState instance, DateTimeOffset at, double jitter)
    {
        if (spec.Restart is RestartPolicy.Never)
        {
            return instance with { Status = InstanceStatus.Failed };
        }

        if (!spec.RetriesForever && instance.ConsecutiveFailures > spec.MaxRetries)
        {
            return instance with { Status = InstanceStatus.RetriesExceeded };
        }

        return Relaunch(t, spec, instance, Backoff.Delay(spec, instance.ConsecutiveFailures, jitter), at);
    }

    /// <summary>Starts the next try now, or schedules it and waits in <see cref="InstanceStatus.Backoff"/>.</summary>
    private static InstanceState Relaunch(Transition t, ProgramSpec spec, InstanceState instance, TimeSpan delay, DateTimeOffset at)
    {
        var nextTry = instance.CurrentTry + 1;
        if (delay <= TimeSpan.Zero)
        {
            return t.Launch(spec, instance, nextTry);
        }

        var due = delay < DateTimeOffset.MaxValue - at ? at + delay : DateTimeOffset.MaxValue;
        t.Effects.Add(new Effect.Schedule(new Message.RetryDue(spec.Name, instance.Id, nextTry, due)));
        return instance with { Status = InstanceStatus.Backoff, CurrentTry = nextTry, NextTryAt = due };
    }

    private static void RetryDue(Transition t, Message.RetryDue m)
    {
        var index = t.State.IndexOf(m.Program);
        if (index < 0)
        {
            return;
        }

        var program = t.Program(index);
        var position = program.Instances.FindIndex(i => i.Id == m.InstanceId);
        if (position < 0)
        {
            return; // Scaled away while it waited.
        }

        var instance = program.Instances[position];
        if (instance is not { Status: InstanceStatus.Backoff, IsLive: false } || instance.CurrentTry != m.Try)
        {
            return; // Stopped or already relaunched: the timer is stale.
        }

        var launched = t.Launch(program.Spec, instance, m.Try);
        t.SetProgram(index, t.Program(index) with { Instances = program.Instances.SetItem(position, launched) });
    }

    private static void StopTimeoutElapsed(Transition t, Message.StopTimeoutElapsed m)
    {
        if (FindRun(t.State, m.RunId) is { } at && at.Get(t.State).StopRequested)
        {
            t.Effects.Add(new Effect.SendSignal(m.RunId, Signals.Kill));
        }
    }

    private static void ResolvePendingReplies(Transition t, long endedRun)
    {
        var pending = t.State.PendingReplies;
        if (pending.IsEmpty)
        {
            return;
        }

        var still = ImmutableArray.CreateBuilder<PendingReply>(pending.Length);
        foreach (var reply in pending)
        {
            var awaited = reply.AwaitedRuns.Remove(endedRun);
            if (awaited.IsEmpty)
            {
                t.Reply(reply.RequestId, reply.Result);
            }
            else
            {
                still.Add(reply with { AwaitedRuns = awaited });
            }
        }

        t.State = t.State with { PendingReplies = still.ToImmutable() };
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

    /// <summary>Where a run's instance sits: which program, and which list (instances or retiring).</summary>
    private readonly record struct RunLocation(int Program, bool Retiring, int Index)
    {
        public InstanceState Get(EngineState state) =>
            Retiring ? state.Programs[Program].Retiring[Index] : state.Programs[Program].Instances[Index];

        public void Set(Transition t, InstanceState instance)
        {
            var program = t.Program(Program);
            t.SetProgram(Program, Retiring
                ? program with { Retiring = program.Retiring.SetItem(Index, instance) }
                : program with { Instances = program.Instances.SetItem(Index, instance) });
        }
    }
}
