using KrustPm.Engine.Health;

namespace KrustPm.Engine;

/// <summary>
/// Probes and readiness: what the reducer does with probe timers, probe results and ready lines. A probe chain
/// belongs to one run: it starts when the run is running, each result schedules the next probe, and everything
/// about a run that is no longer the instance's running one is ignored.
/// </summary>
public static partial class Reducer
{
    /// <summary>A run is now running: its first probes are due after their initial delay.</summary>
    private static void ScheduleFirstProbes(Transition t, ProgramSpec spec, long runId, DateTimeOffset at)
    {
        if (spec.Readiness is { } readiness)
        {
            t.Effects.Add(new Effect.Schedule(new Message.ProbeDue(runId, ProbeKind.Readiness, Later(at, readiness.InitialDelay))));
        }

        if (spec.Liveness is { } liveness)
        {
            t.Effects.Add(new Effect.Schedule(new Message.ProbeDue(runId, ProbeKind.Liveness, Later(at, liveness.InitialDelay))));
        }
    }

    private static void ProbeDue(Transition t, Message.ProbeDue m)
    {
        if (RunningProbeTarget(t, m.RunId, m.Kind) is not (var at, var spec, var probe, var instance)
            || instance.ProbesInFlight.HasFlag(Flag(m.Kind)))
        {
            return; // The run ended or is stopping, or the same probe is still running: never two at once.
        }

        at.Set(t, instance with { ProbesInFlight = instance.ProbesInFlight | Flag(m.Kind) });
        t.Effects.Add(new Effect.RunProbe(new ProbeRequest(m.RunId, spec.Name, instance.Id, m.Kind, probe) { Spec = spec }));
    }

    private static void ProbeResult(Transition t, Message.ProbeResult m)
    {
        if (RunningProbeTarget(t, m.RunId, m.Kind) is not (var at, var spec, var probe, var instance)
            || !instance.ProbesInFlight.HasFlag(Flag(m.Kind)))
        {
            return; // Stale (the run ended or is stopping), or a second report of one probe: its chain goes on once.
        }

        var outcome = m.Outcome;
        instance = instance with { ProbesInFlight = instance.ProbesInFlight & ~Flag(m.Kind) };
        if (outcome.Skipped)
        {
            // krust-pm could not run it (short of descriptors): no news about the program, only the next probe.
            at.Set(t, instance);
        }
        else if (m.Kind is ProbeKind.Readiness)
        {
            var failures = outcome.Passed ? 0 : instance.ReadinessFailures + 1;
            var ready = outcome.Passed || (failures < probe.FailureThreshold && instance.Ready is true);
            at.Set(t, instance with { LastReadiness = outcome, ReadinessFailures = failures, Ready = ready });
        }
        else if (outcome.Passed || instance.LivenessFailures + 1 < probe.FailureThreshold)
        {
            var failures = outcome.Passed ? 0 : instance.LivenessFailures + 1;
            at.Set(t, instance with { LastLiveness = outcome, LivenessFailures = failures });
        }
        else
        {
            // Restarted as a failure: its exit counts against the retry budget, for this reason.
            var failures = instance.LivenessFailures + 1;
            var failing = instance with
            {
                LastLiveness = outcome,
                LivenessFailures = failures,
                FailingBecause = $"liveness probe failed {failures} times in a row: {outcome.Detail}",
            };
            at.Set(t, t.Stop(spec, failing, m.At));
            return;
        }

        t.Effects.Add(new Effect.Schedule(new Message.ProbeDue(m.RunId, m.Kind, Later(m.At, probe.Period))));
    }

    private static void ReadyLineSeen(Transition t, Message.ReadyLineSeen m)
    {
        if (FindRun(t.State, m.RunId) is not { } at
            || at.Get(t.State) is not { Status: InstanceStatus.Running } instance
            || t.Program(at.Program).Spec.ReadyLogLine is null)
        {
            return;
        }

        at.Set(t, instance with
        {
            Ready = true,
            ReadinessFailures = 0,
            LastReadiness = new ProbeOutcome(true, $"output matched: {m.Line}", m.At),
        });
    }

    /// <summary>
    /// The running instance a probe of <paramref name="runId"/> is about, with its program's probe of that kind; or
    /// nothing. Nothing during the shutdown: a failing liveness probe must not stop a run that its dependents still
    /// need, and whether a run is ready no longer starts anything.
    /// </summary>
    private static (RunLocation At, ProgramSpec Spec, ProbeSpec Probe, InstanceState Instance)? RunningProbeTarget(
        Transition t, long runId, ProbeKind kind)
    {
        if (t.State.ShuttingDown
            || FindRun(t.State, runId) is not { } at || at.Get(t.State) is not { Status: InstanceStatus.Running } instance)
        {
            return null;
        }

        var spec = t.Program(at.Program).Spec;
        var probe = kind is ProbeKind.Readiness ? spec.Readiness : spec.Liveness;
        return probe is null ? null : (at, spec, probe, instance);
    }

    private static ProbeKinds Flag(ProbeKind kind) => kind is ProbeKind.Readiness ? ProbeKinds.Readiness : ProbeKinds.Liveness;

    private static DateTimeOffset Later(DateTimeOffset at, TimeSpan delay) =>
        delay < DateTimeOffset.MaxValue - at ? at + delay : DateTimeOffset.MaxValue;
}
