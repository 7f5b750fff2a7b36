using KrustPm.Engine.Health;

namespace KrustPm.Engine;

/// <summary>
/// Probes and readiness: what the decider does with probe timers, probe results and ready lines. A probe chain
/// belongs to one run: it starts when the run is running (<see cref="EffectsOf"/> arms the first probes when a run
/// starts), each result schedules the next probe, and everything about a run that is no longer the instance's
/// running one is ignored.
/// </summary>
public static partial class Decider
{
    private static void ProbeDue(Transition t, Message.ProbeDue m)
    {
        if (RunningProbeTarget(t, m.RunId, m.Kind) is not (var name, _, _, var instance)
            || instance.ProbesInFlight.HasFlag(Flag(m.Kind)) || instance.ProbeEpoch != m.Epoch)
        {
            return; // The run ended or is stopping, the same probe is still running (never two at once), or the chain is old.
        }

        t.Emit(new EngineEvent.ProbeStarted(name, instance.Id, m.RunId, m.Kind, m.At));
    }

    private static void ProbeResult(Transition t, Message.ProbeResult m)
    {
        if (RunningProbeTarget(t, m.RunId, m.Kind) is not (var name, var spec, var probe, var instance)
            || !instance.ProbesInFlight.HasFlag(Flag(m.Kind)) || instance.ProbeEpoch != m.Epoch)
        {
            return; // Stale (the run ended or is stopping, or its chain is old), or a second report of one probe.
        }

        var outcome = m.Outcome;
        var next = Later(m.At, probe.Period);
        if (outcome.Skipped)
        {
            // krust-pm could not run it (short of descriptors): no news about the program, only the next probe.
            t.Emit(new EngineEvent.ProbeSkipped(name, instance.Id, m.RunId, m.Kind, next, m.At));
        }
        else if (m.Kind is ProbeKind.Readiness)
        {
            var failures = outcome.Passed ? 0 : instance.ReadinessFailures + 1;
            var ready = outcome.Passed || (failures < probe.FailureThreshold && instance.Ready is true);
            t.Emit(new EngineEvent.ProbeCompleted(name, instance.Id, m.RunId, m.Kind, outcome, failures, next, m.At));
            if (ready != (instance.Ready is true))
            {
                t.Emit(new EngineEvent.ReadinessChanged(name, instance.Id, m.RunId, ready, outcome.Detail, m.At));
            }
        }
        else if (outcome.Passed || instance.LivenessFailures + 1 < probe.FailureThreshold)
        {
            var failures = outcome.Passed ? 0 : instance.LivenessFailures + 1;
            t.Emit(new EngineEvent.ProbeCompleted(name, instance.Id, m.RunId, m.Kind, outcome, failures, next, m.At));
        }
        else
        {
            // Restarted as a failure: its exit counts against the retry budget, for this reason.
            var failures = instance.LivenessFailures + 1;
            t.Emit(new EngineEvent.ProbeCompleted(name, instance.Id, m.RunId, m.Kind, outcome, failures, NextAt: null, m.At));
            var reason = $"liveness probe failed {failures} times in a row: {outcome.Detail}";
            t.Stop(spec, FindRun(t.State, m.RunId)!.Value.Get(t.State), StopReason.Liveness, reason);
        }
    }

    private static void ReadyLineSeen(Transition t, Message.ReadyLineSeen m)
    {
        if (FindRun(t.State, m.RunId) is not { } at
            || at.Get(t.State) is not { Status: InstanceStatus.Running } instance
            || t.Program(at.Program).Spec.ReadyLogLine is null)
        {
            return;
        }

        var name = t.Program(at.Program).Name;
        t.Emit(new EngineEvent.ReadyLineMatched(name, instance.Id, m.RunId, m.Line, m.At));
        if (instance.Ready is not true)
        {
            t.Emit(new EngineEvent.ReadinessChanged(name, instance.Id, m.RunId, true, $"output matched: {m.Line}", m.At));
        }
    }

    /// <summary>
    /// The running instance a probe of <paramref name="runId"/> is about, with its program's name and probe of that
    /// kind; or nothing. Nothing during the shutdown: a failing liveness probe must not stop a run that its dependents
    /// still need, and whether a run is ready no longer starts anything.
    /// </summary>
    private static (string Program, ProgramSpec Spec, ProbeSpec Probe, InstanceState Instance)? RunningProbeTarget(
        Transition t, long runId, ProbeKind kind)
    {
        if (t.State.ShuttingDown
            || FindRun(t.State, runId) is not { } at || at.Get(t.State) is not { Status: InstanceStatus.Running } instance)
        {
            return null;
        }

        var spec = t.Program(at.Program).Spec;
        return Probe(spec, kind) is { } probe ? (spec.Name, spec, probe, instance) : null;
    }
}
