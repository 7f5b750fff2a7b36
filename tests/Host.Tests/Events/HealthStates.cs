using System.Collections.Immutable;
using KrustPm.Engine;
using KrustPm.Engine.Health;

namespace KrustPm.Host.Tests.Events;

/// <summary>
/// Hand-made engine states with waiting, blocked and probed instances, for the host's views of them (the API, the
/// event feed, the log) independently of the reducer that produces them.
/// </summary>
internal static class HealthStates
{
    public static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static readonly ProgramSpec Db = new("db", "db", ["db"])
    {
        Readiness = new ProbeSpec { Http = "http://127.0.0.1:8701/" },
    };

    public static readonly ProgramSpec Web = new("web", "web", ["web"])
    {
        DependsOn = ImmutableSortedDictionary.Create<string, DependencyCondition>(StringComparer.Ordinal).Add("db", DependencyCondition.Healthy),
    };

    public static readonly ProgramSpec Plain = new("plain", "sleep 60", ["sleep", "60"]);

    public static InstanceState Running(long id, long runId, bool? ready = null) => new(id, 1, InstanceStatus.Running)
    {
        RunId = runId, Pid = 4000 + (int)runId, StartedAt = At, Ready = ready,
    };

    public static InstanceState Waiting(long id) => new(id, 1, InstanceStatus.Waiting) { WaitingFor = ["db (healthy)"] };

    public static InstanceState Blocked(long id) => new(id, 1, InstanceStatus.Blocked)
    {
        WaitingFor = ["db (healthy)"], LastError = "dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded",
    };

    public static ProgramState Program(ProgramSpec spec, params InstanceState[] instances) =>
        new(spec, [.. instances], instances.Length == 0 ? 0 : instances.Max(i => i.Id) + 1);

    public static EngineState State(params ProgramState[] programs) => new([.. programs]);
}
