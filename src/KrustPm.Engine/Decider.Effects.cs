using KrustPm.Engine.Health;

namespace KrustPm.Engine;

public static partial class Decider
{
    /// <summary>
    /// What the outside world must do because an event happened: launch a process, send a signal, arm a timer, run
    /// a probe, answer a request. Pure: the same event and state always give the same effects.
    /// </summary>
    /// <param name="before">The state the event applies to (before it).</param>
    /// <param name="event">The event.</param>
    /// <returns>The effects, in order; none for most events.</returns>
    public static IEnumerable<Effect> EffectsOf(EngineState before, EngineEvent @event)
    {
        switch (@event)
        {
            case EngineEvent.InstanceLaunched e when before.Find(e.Program) is { } program:
                yield return new Effect.Launch(new LaunchRequest(e.RunId, program.Spec, e.Instance, e.Try) { Index = program.Find(e.Instance)?.Index ?? 0 });
                break;
            case EngineEvent.InstanceStarted e when before.Find(e.Program) is { } program
                && program.Find(e.Instance) is { Status: InstanceStatus.Started } starting:
                if (program.Spec.MinUptime > TimeSpan.Zero)
                {
                    yield return new Effect.Schedule(new Message.UptimeReached(e.RunId, e.At + program.Spec.MinUptime));
                }

                foreach (var first in FirstProbes(program.Spec, e.RunId, starting.ProbeEpoch, e.At))
                {
                    yield return first;
                }

                break;
            case EngineEvent.ProbesReset e when before.Find(e.Program) is { } program && program.Find(e.Instance) is { } instance:
                foreach (var first in FirstProbes(program.Spec, e.RunId, instance.ProbeEpoch + 1, e.At))
                {
                    yield return first;
                }

                break;
            case EngineEvent.InstanceExited { Outcome: ExitOutcome.Retrying, NextTryAt: { } due } e
                when before.Find(e.Program)?.Find(e.Instance) is { } instance:
                yield return new Effect.Schedule(new Message.RetryDue(e.Program, e.Instance, instance.CurrentTry + 1, due));
                break;
            case EngineEvent.StopRequested { Signal: { } signal } e:
                yield return new Effect.SendSignal(e.RunId, signal) { Target = e.Target };
                yield return new Effect.Schedule(new Message.StopTimeoutElapsed(e.RunId, e.At + e.Timeout));
                break;
            case EngineEvent.ScheduleArmed { Next: { } next } e:
                yield return new Effect.Schedule(new Message.ScheduleDue(e.Program, next, next));
                break;
            case EngineEvent.Killed e:
                // Always the whole group, whatever the stop signal's target: nothing may outlive the stop timeout.
                yield return new Effect.SendSignal(e.RunId, Signals.Kill);
                break;
            case EngineEvent.Signalled e:
                yield return new Effect.SendSignal(e.RunId, e.Signal) { Target = e.Target };
                break;
            case EngineEvent.ProbeStarted e when before.Find(e.Program) is { } program && Probe(program.Spec, e.Kind) is { } probe:
                var probed = program.Find(e.Instance);
                yield return new Effect.RunProbe(new ProbeRequest(e.RunId, e.Program, e.Instance, e.Kind, probe)
                {
                    Spec = program.Spec,
                    Epoch = probed?.ProbeEpoch ?? 0,
                    Index = probed?.Index ?? 0,
                });
                break;
            case EngineEvent.InstanceStartDeferred e:
                yield return new Effect.Schedule(new Message.RetryDue(e.Program, e.Instance, e.Try, e.NextTryAt));
                break;
            case EngineEvent.ProbeSkipped e:
                yield return new Effect.Schedule(new Message.ProbeDue(e.RunId, e.Kind, e.NextAt) { Epoch = before.Find(e.Program)?.Find(e.Instance)?.ProbeEpoch ?? 0 });
                break;
            case EngineEvent.ProbeCompleted { NextAt: { } next } e:
                yield return new Effect.Schedule(new Message.ProbeDue(e.RunId, e.Kind, next) { Epoch = before.Find(e.Program)?.Find(e.Instance)?.ProbeEpoch ?? 0 });
                break;
            case EngineEvent.Answered e:
                yield return new Effect.Reply(e.RequestId, e.Result);
                break;
        }
    }

    /// <summary>The timers of a run's first probes: each configured probe, after its initial delay.</summary>
    private static IEnumerable<Effect> FirstProbes(ProgramSpec spec, long runId, int epoch, DateTimeOffset at)
    {
        if (spec.Readiness is { } readiness)
        {
            yield return new Effect.Schedule(new Message.ProbeDue(runId, ProbeKind.Readiness, Later(at, readiness.InitialDelay)) { Epoch = epoch });
        }

        if (spec.Liveness is { } liveness)
        {
            yield return new Effect.Schedule(new Message.ProbeDue(runId, ProbeKind.Liveness, Later(at, liveness.InitialDelay)) { Epoch = epoch });
        }
    }

    private static ProbeSpec? Probe(ProgramSpec spec, ProbeKind kind) => kind is ProbeKind.Readiness ? spec.Readiness : spec.Liveness;

    private static ProbeKinds Flag(ProbeKind kind) => kind is ProbeKind.Readiness ? ProbeKinds.Readiness : ProbeKinds.Liveness;

    private static DateTimeOffset Later(DateTimeOffset at, TimeSpan delay) =>
        delay < DateTimeOffset.MaxValue - at ? at + delay : DateTimeOffset.MaxValue;

    /// <summary>What <see cref="InstanceState.Ready"/> is before a run has shown it is ready.</summary>
    private static bool? InitialReady(ProgramSpec spec) =>
        spec.Readiness is not null || spec.ReadyLogLine is not null ? false : null;
}
