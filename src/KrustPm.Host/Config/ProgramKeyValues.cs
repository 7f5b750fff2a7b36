using System.Collections.Immutable;
using System.Text.Json.Nodes;
using KrustPm.Engine;
using KrustPm.Engine.Health;

namespace KrustPm.Host.Config;

/// <summary>The words the configuration uses for the engine's values (<c>on-failure</c>, <c>healthy_all</c>, <c>main</c>), in one place.</summary>
internal static class ProgramKeyValues
{
    /// <summary>The values of <c>restart</c>.</summary>
    public static readonly ImmutableArray<(string Name, RestartPolicy Policy)> RestartPolicies =
    [
        ("on-failure", RestartPolicy.OnFailure), ("always", RestartPolicy.Always), ("never", RestartPolicy.Never),
    ];

    /// <summary>The values of <c>stop_signal_target</c>.</summary>
    public static readonly ImmutableArray<(string Name, SignalTarget Target)> SignalTargets =
        [("group", SignalTarget.Group), ("main", SignalTarget.Main)];

    /// <summary>The conditions of <c>depends_on</c>.</summary>
    public static readonly ImmutableArray<(string Name, DependencyCondition Condition)> Conditions =
    [
        ("started", DependencyCondition.Started), ("healthy", DependencyCondition.Healthy),
        ("healthy_all", DependencyCondition.HealthyAll), ("completed_successfully", DependencyCondition.CompletedSuccessfully),
        ("completed", DependencyCondition.Completed),
    ];

    /// <summary>The limits of <c>rlimits</c> by their <c>prlimit</c> names; those measured in bytes also take sizes such as <c>"1G"</c>.</summary>
    public static readonly ImmutableArray<(string Name, bool InBytes)> LimitNames =
    [
        ("as", true), ("core", true), ("cpu", false), ("data", true), ("fsize", true), ("locks", false),
        ("memlock", true), ("msgqueue", true), ("nice", false), ("nofile", false), ("nproc", false), ("rss", true),
        ("rtprio", false), ("rttime", false), ("sigpending", false), ("stack", true),
    ];

    /// <summary>The config name of a restart policy (<c>on-failure</c>).</summary>
    public static string RestartName(RestartPolicy policy) => RestartPolicies.First(p => p.Policy == policy).Name;

    /// <summary>The config name of a signal target (<c>group</c>).</summary>
    public static string SignalTargetName(SignalTarget target) => SignalTargets.First(t => t.Target == target).Name;

    /// <summary>The config name of a condition (<c>healthy_all</c>).</summary>
    public static string ConditionName(DependencyCondition condition) => Conditions.First(c => c.Condition == condition).Name;

    /// <summary><c>depends_on</c> as the API shows it: <c>{ "db": "healthy" }</c>.</summary>
    public static JsonObject DependsOn(ProgramSpec spec) =>
        [.. spec.DependsOn.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)ConditionName(d.Value)))];

    /// <summary>A probe as the API shows it: its kind, target and timings.</summary>
    public static JsonObject? Probe(ProbeSpec? probe) => probe is null ? null : new JsonObject
    {
        ["kind"] = !probe.Exec.IsDefaultOrEmpty ? "exec" : probe.Http is not null ? "http" : "tcp",
        ["target"] = !probe.Exec.IsDefaultOrEmpty ? string.Join(' ', probe.Exec) : probe.Http ?? probe.Tcp ?? string.Empty,
        ["periodMs"] = (long)probe.Period.TotalMilliseconds,
        ["timeoutMs"] = (long)probe.Timeout.TotalMilliseconds,
        ["failureThreshold"] = probe.FailureThreshold,
        ["initialDelayMs"] = (long)probe.InitialDelay.TotalMilliseconds,
    };

    /// <summary><c>rlimits</c> as the API shows them: soft and hard by name, a side that is unlimited left out.</summary>
    public static JsonObject Limits(ImmutableSortedDictionary<string, ResourceLimit> limits) =>
        [.. limits.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)Limit(l.Value)))];

    private static JsonObject Limit(ResourceLimit limit)
    {
        var sides = new JsonObject();
        if (limit.Soft != ResourceLimit.Unlimited)
        {
            sides["soft"] = limit.Soft;
        }

        if (limit.Hard != ResourceLimit.Unlimited)
        {
            sides["hard"] = limit.Hard;
        }

        return sides;
    }
}
