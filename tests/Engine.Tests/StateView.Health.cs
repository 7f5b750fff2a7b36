using KrustPm.Engine.Health;

namespace KrustPm.Engine.Tests;

/// <summary>Stories of dependencies and probes: after each step, one line per instance of every program.</summary>
internal static partial class StateView
{
    /// <summary>Each message with its effects and a line per instance (status, what it waits for, readiness, error).</summary>
    public static object HealthStory(params Message[] messages)
    {
        var state = EngineState.Empty;
        var steps = new List<object>();
        foreach (var message in messages)
        {
            (state, var effects) = Decider.Reduce(state, message);
            steps.Add(new
            {
                Message = Describe(message),
                Effects = effects.Select(Describe),
                Instances = state.Programs.SelectMany(p => p.Instances.Concat(p.Retiring).Select(i => $"{p.Name}#{i.Id} {HealthLine(i)}")),
            });
        }

        return new { Steps = steps };
    }

    /// <summary>The health facts of every instance, for <see cref="Facts"/>.</summary>
    private static object HealthFacts(EngineState state) => state.Programs.Select(p => new
    {
        p.Name,
        Instances = p.Instances.Concat(p.Retiring).Select(i => new
        {
            i.Id,
            WaitingFor = i.WaitingFor.ToArray(),
            i.Ready,
            LastReadiness = Describe(i.LastReadiness),
            LastLiveness = Describe(i.LastLiveness),
            i.ReadinessFailures,
            i.LivenessFailures,
            ProbesInFlight = i.ProbesInFlight.ToString(),
            i.FailingBecause,
        }),
    });

    private static string HealthLine(InstanceState i)
    {
        var parts = new List<string> { $"{i.Status} try {i.CurrentTry}" };
        if (i.RunId is { } run)
        {
            parts.Add($"run {run}");
        }

        if (!i.WaitingFor.IsEmpty)
        {
            parts.Add($"waiting for {string.Join(", ", i.WaitingFor)}");
        }

        if (i.Ready is { } ready)
        {
            parts.Add(ready ? "ready" : "not ready");
        }

        if (i.ProbesInFlight is not ProbeKinds.None)
        {
            parts.Add($"probing {i.ProbesInFlight}");
        }

        if (i.ReadinessFailures + i.LivenessFailures > 0)
        {
            parts.Add($"{i.ReadinessFailures} readiness / {i.LivenessFailures} liveness failure(s)");
        }

        if (i.ConsecutiveFailures > 0)
        {
            parts.Add($"{i.ConsecutiveFailures} failure(s) in a row");
        }

        if (i.NextTryAt is { } next)
        {
            parts.Add($"next try at {Ms(next)}");
        }

        if (i.FailingBecause is { } failing)
        {
            parts.Add($"failing because {failing}");
        }

        if (i.LastError is { } error)
        {
            parts.Add($"last error: {error}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>Shown only for programs that have dependencies, so the older stories read as before.</summary>
    private static string DescribeDependencies(ProgramSpec spec) => spec.DependsOn.Count == 0
        ? ""
        : $" (depends on {string.Join(", ", spec.DependsOn.Select(d => $"{d.Key} {d.Value}"))})";

    private static string? Describe(ProbeOutcome? outcome) =>
        outcome is null ? null : $"{(outcome.Passed ? "passed" : "failed")} at {Ms(outcome.At)}: {outcome.Detail}";

    private static string Describe(ProbeRequest r) => $"{r.Kind} probe of run {r.RunId} ({r.Program}#{r.InstanceId}): {r.Probe.Describe()}";
}
