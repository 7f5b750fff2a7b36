using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Config;

namespace KrustPm.Host.Api;

/// <summary>Turns the engine's snapshot into the API's views.</summary>
internal static class StateProjection
{
    public static List<ProgramView> Programs(EngineState state, Func<ProgramState, bool>? keep = null)
    {
        var views = new List<ProgramView>(state.Programs.Length);
        foreach (var program in state.Programs)
        {
            if (keep is null || keep(program))
            {
                views.Add(Program(state, program));
            }
        }

        return views;
    }

    /// <summary>The programs with at least one instance in <paramref name="status"/> (<c>GET /?status=S</c>), each whole.</summary>
    public static List<ProgramView> WithStatus(EngineState state, InstanceStatus status) =>
        Programs(state, p => p.Instances.Any(i => i.Status == status));

    /// <summary>Everything the engine knows about a program (the v1 view).</summary>
    public static ProgramView Detailed(EngineState state, ProgramState program) => Program(state, program) with
    {
        Retiring = program.Retiring.Select(Instance).ToList(),
        RollingRestart = program.Rolling is { } rolling ? new RollingRestartView(rolling.Current, [.. rolling.Remaining]) : null,
        Config = Config(program.Spec),
    };

    private static ProgramView Program(EngineState state, ProgramState program) => new(
        program.Name,
        program.Spec.Command,
        state.ShuttingDown ? "Stopping" : "Started",
        program.Instances.Length,
        program.Instances.Select(Instance).ToList());

    private static ProgramConfigView Config(ProgramSpec spec) => new(
        spec.Argv,
        spec.WorkingDirectory,
        spec.Instances,
        spec.MaxInstances,
        spec.MaxRetries,
        spec.Restart switch
        {
            RestartPolicy.Always => "always",
            RestartPolicy.Never => "never",
            _ => "on-failure",
        },
        (long)spec.RestartDelay.TotalMilliseconds,
        (long)spec.RestartDelayMax.TotalMilliseconds,
        (long)spec.MinUptime.TotalMilliseconds,
        Signals.NameOf(spec.StopSignal),
        (long)spec.StopTimeout.TotalMilliseconds,
        spec.User,
        spec.ClearEnvironment,
        [.. spec.Environment.Keys],
        spec.Log.Enabled,
        spec.Log.MaxBytes,
        spec.Log.Backups)
    {
        DependsOn = spec.DependsOn.ToDictionary(d => d.Key, d => ProgramTableReader.NameOf(d.Value), StringComparer.Ordinal),
        RestartWith = spec.RestartWith,
        Readiness = Probe(spec.Readiness),
        Liveness = Probe(spec.Liveness),
        ReadyLogLine = spec.ReadyLogLine,
        Autostart = spec.Autostart,
        SuccessExitCodes = spec.SuccessExitCodes,
        StopSignalTarget = ProgramTableReader.SignalTargets.First(t => t.Target == spec.StopSignalTarget).Name,
        PortBase = spec.PortBase,
        Groups = spec.Groups,
        Umask = spec.Process.Umask is { } umask ? Convert.ToString(umask, 8).PadLeft(3, '0') : null,
        Nice = spec.Process.Nice,
        Rlimits = spec.Process.Limits.ToDictionary(l => l.Key, l => new ResourceLimitView(Limit(l.Value.Soft), Limit(l.Value.Hard)), StringComparer.Ordinal),
        LogInherit = spec.Log.Inherit,
        StdoutLog = spec.Log.StdoutPath,
        StderrLog = spec.Log.StderrPath,
        MergeStderr = spec.Log.MergeStderr,
        LogTimestamps = spec.Log.Timestamps,
    };

    private static ulong? Limit(ulong value) => value == ResourceLimit.Unlimited ? null : value;

    private static ProbeView? Probe(ProbeSpec? probe) => probe is null ? null : new(
        !probe.Exec.IsDefaultOrEmpty ? "exec" : probe.Http is not null ? "http" : "tcp",
        !probe.Exec.IsDefaultOrEmpty ? string.Join(' ', probe.Exec) : probe.Http?.ToString() ?? probe.Tcp ?? string.Empty,
        (long)probe.Period.TotalMilliseconds,
        (long)probe.Timeout.TotalMilliseconds,
        probe.FailureThreshold,
        (long)probe.InitialDelay.TotalMilliseconds);

    private static ProbeOutcomeView? Outcome(ProbeOutcome? outcome) =>
        outcome is null ? null : new(outcome.Passed, outcome.Detail, outcome.At);

    private static InstanceView Instance(InstanceState instance) => new(instance.Id, instance.CurrentTry, instance.Status.ToString())
    {
        Index = instance.Index,
        ConsecutiveFailures = instance.ConsecutiveFailures,
        Pid = instance.Pid,
        StartedAt = instance.StartedAt,
        ExitedAt = instance.ExitedAt,
        LastExitCode = instance.LastExitCode,
        LastError = instance.LastError,
        NextTryAt = instance.NextTryAt,
        Ready = instance.IsLive ? instance.Ready : null,
        WaitingFor = instance.WaitingFor.IsDefaultOrEmpty ? null : instance.WaitingFor,
        LastReadiness = Outcome(instance.LastReadiness),
        LastLiveness = Outcome(instance.LastLiveness),
        RestoredAt = instance.RestoredAt,
    };
}
