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

    /// <summary>Everything the engine knows about a program (the v1 view), with what its running instances use.</summary>
    public static ProgramView Detailed(EngineState state, ProgramState program, Resources.ResourceSampler? resources = null) => Program(state, program) with
    {
        Instances = resources is null ? Program(state, program).Instances : [.. program.Instances.Select(i => WithResources(Instance(i), resources.Of(program.Name, i)))],
        Retiring = program.Retiring.Select(Instance).ToList(),
        RollingRestart = program.Rolling is { } rolling ? new RollingRestartView(rolling.Current, [.. rolling.Remaining]) : null,
        Config = ProgramKeys.View(program.Spec),
        NextScheduleAt = program.NextScheduleAt,
    };

    private static ProgramView Program(EngineState state, ProgramState program) => new(
        program.Name,
        program.Spec.Command,
        state.ShuttingDown ? "Stopping" : "Started",
        program.Instances.Length,
        program.Instances.Select(Instance).ToList());

    private static InstanceView WithResources(InstanceView view, Resources.InstanceResources? sample) => sample is null ? view : view with
    {
        CpuPercent = sample.CpuPercent,
        CpuSeconds = Math.Round(sample.CpuSeconds, 2),
        MemoryBytes = sample.MemoryBytes,
        Processes = sample.Processes,
        Threads = sample.Threads,
        OpenFiles = sample.OpenFiles,
        SampledAt = sample.At,
    };

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
