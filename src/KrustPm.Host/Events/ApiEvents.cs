using KrustPm.Engine;

namespace KrustPm.Host.Events;

/// <summary>
/// Maps the engine's events to the entries of <c>GET /api/v1/events</c>: one entry per event users follow, none for
/// the engine's bookkeeping (an instance added before it is launched, a probe started or passing again, an answer).
/// </summary>
internal static class ApiEvents
{
    public static ApiEvent? From(EngineEvent @event, long id) => @event switch
    {
        EngineEvent.ProgramLoaded e => new(id, e.At, "program.loaded") { Program = e.Spec.Name, Instances = e.Spec.Instances },
        EngineEvent.Scaled e => new(id, e.At, "program.scaled") { Program = e.Program, Instances = e.To },
        EngineEvent.CommandAccepted e => new(id, e.At, "command") { Command = e.Command, Program = e.Program, Instance = e.Instance },
        EngineEvent.ShutdownBegan e => new(id, e.At, "krust-pm.stopping"),
        EngineEvent.RollingRestartBegan e => new(id, e.At, "rolling-restart.began") { Program = e.Program, Instances = e.Instances.Length },
        EngineEvent.RollingRestartEnded e => new(id, e.At, "rolling-restart.ended")
        {
            Program = e.Program,
            Outcome = e.Outcome.ToString().ToLowerInvariant(),
            Reason = e.Reason,
        },
        EngineEvent.EngineResumed e => new(id, e.At, "krust-pm.restored"),
        EngineEvent.ProgramRestored e => new(id, e.At, "program.restored") { Program = e.Program, Instances = e.Instances },
        EngineEvent.ConfigReloaded e => new(id, e.At, "config.reloaded") { Summary = e.Plan.Summary(), Programs = Api.ReloadViews.Programs(e.Plan) },
        EngineEvent.ProgramChanged e => new(id, e.At, "program.changed")
        {
            Program = e.Program,
            Changed = e.Changed,
            Outcome = e.Restart ? "restarting" : "changed-in-place",
            Instances = e.Spec.Instances,
        },
        EngineEvent.ProgramRetiring e => new(id, e.At, "program.removing") { Program = e.Program, Reason = "removed from the configuration by a reload" },
        EngineEvent.ProgramRemoved e => new(id, e.At, "program.removed") { Program = e.Program, Reason = e.Reason },
        EngineEvent.InstanceLaunched e => Entry(id, e, "instance.launched", InstanceStatus.Started) with { Try = e.Try },
        EngineEvent.InstanceStarted e => Entry(id, e, "instance.started", InstanceStatus.Running) with { Try = e.Try, Pid = e.Pid },
        EngineEvent.InstanceExited e => Entry(id, e, "instance.exited", Lifecycle.StatusAfter(e)) with
        {
            Try = e.Try,
            ExitCode = e.ExitCode,
            Reason = e.Error,
            Outcome = Lifecycle.OutcomeName(e),
            Failures = e.Failures,
            NextTryAt = e.NextTryAt,
        },
        EngineEvent.StopRequested { Signal: { } signal } e => Entry(id, e, "instance.stopping", InstanceStatus.Stopping) with
        {
            Signal = $"SIG{Signals.NameOf(signal)}",
            TimeoutMs = (long)e.Timeout.TotalMilliseconds,
            Reason = Lifecycle.StopReasonText(e),
        },
        EngineEvent.Killed e => Entry(id, e, "instance.killed", null) with { Signal = "SIGKILL", TimeoutMs = (long)e.Timeout.TotalMilliseconds },
        EngineEvent.Signalled e => Entry(id, e, "instance.signalled", null) with { Signal = $"SIG{Signals.NameOf(e.Signal)}" },
        EngineEvent.InstanceWaiting e => Entry(id, e, "instance.waiting", InstanceStatus.Waiting) with
        {
            Try = e.Try,
            WaitingFor = e.WaitingFor,
            Reason = $"waiting for {Lifecycle.WaitingFor(e.WaitingFor)}",
        },
        EngineEvent.InstanceBlocked e => Entry(id, e, "instance.blocked", InstanceStatus.Blocked) with
        {
            Try = e.Try,
            WaitingFor = e.WaitingFor,
            Reason = e.Reason,
        },
        EngineEvent.InstanceStartDeferred e => Entry(id, e, "instance.deferred", InstanceStatus.Backoff) with
        {
            Try = e.Try,
            Reason = e.Reason,
            NextTryAt = e.NextTryAt,
        },
        EngineEvent.InstanceStopped e => Entry(id, e, "instance.stopped", InstanceStatus.Stopped),
        EngineEvent.InstanceRemoved e => Entry(id, e, "instance.removed", null),
        EngineEvent.ReadinessChanged e => Entry(id, e, e.Ready ? "instance.ready" : "instance.not-ready", null) with { Reason = e.Detail },
        EngineEvent.ScheduleArmed { Ticked: { } tick } e => new(id, e.At, "program.scheduled")
        {
            Program = e.Program,
            Reason = $"tick of {tick.ToString("O", System.Globalization.CultureInfo.InvariantCulture)}",
            NextTryAt = e.Next,
        },
        EngineEvent.MemoryChecked { Strikes: > 0 } e => Entry(id, e, "instance.memory-high", null) with { Reason = $"{Decider.MemoryText(e.Bytes, e.Limit)} ({e.Strikes} of {Decider.MemoryStrikesToRestart} samples in a row)" },
        _ => null,
    };

    private static ApiEvent Entry(long id, EngineEvent.InstanceEvent e, string type, InstanceStatus? status) =>
        new(id, e.At, type) { Program = e.Program, Instance = e.Instance, Status = status?.ToString() };
}
