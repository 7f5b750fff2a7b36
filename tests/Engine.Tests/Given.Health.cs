using System.Collections.Immutable;
using KrustPm.Engine.Health;

namespace KrustPm.Engine.Tests;

/// <summary>Builders for dependencies and probes: conditions, probe specs, probe messages and the effects they give.</summary>
internal static partial class Given
{
    /// <summary>The spec with these dependencies (replacing any it had).</summary>
    public static ProgramSpec DependingOn(this ProgramSpec spec, params (string Name, DependencyCondition Condition)[] dependencies) => spec with
    {
        DependsOn = dependencies.ToImmutableSortedDictionary(d => d.Name, d => d.Condition, StringComparer.Ordinal),
    };

    /// <summary>An exec probe (<c>/bin/check</c>), every <paramref name="periodMs"/>.</summary>
    public static ProbeSpec Probe(int periodMs = 1_000, int failureThreshold = 3, int initialDelayMs = 0) => new()
    {
        Exec = ["/bin/check"],
        Period = TimeSpan.FromMilliseconds(periodMs),
        Timeout = TimeSpan.FromMilliseconds(500),
        FailureThreshold = failureThreshold,
        InitialDelay = TimeSpan.FromMilliseconds(initialDelayMs),
    };

    public static Message.ProbeDue ProbeDue(long run, ProbeKind kind, int at) => new(run, kind, At(at));

    public static Message.ProbeResult Passed(long run, ProbeKind kind, int at, string detail = "exit code 0") =>
        new(run, kind, new ProbeOutcome(true, detail, At(at)), At(at));

    public static Message.ProbeResult Failed(long run, ProbeKind kind, int at, string detail = "exit code 1") =>
        new(run, kind, new ProbeOutcome(false, detail, At(at)), At(at));

    /// <summary>A probe krust-pm could not run (short of descriptors).</summary>
    public static Message.ProbeResult Skipped(long run, ProbeKind kind, int at) =>
        new(run, kind, new ProbeOutcome(false, "not run: krust-pm is short of file descriptors", At(at)) { Skipped = true }, At(at));

    public static Message.ReadyLineSeen ReadyLine(long run, string line, int at) => new(run, line, At(at));

    /// <summary>The timer effect for a run's next probe of a kind.</summary>
    public static Effect.Schedule ScheduleProbe(long run, ProbeKind kind, int at) => new(ProbeDue(run, kind, at));

    /// <summary>The effect that runs a probe of <paramref name="spec"/>'s instance.</summary>
    public static Effect.RunProbe RunProbe(long run, ProgramSpec spec, long instance, ProbeKind kind) =>
        new(new ProbeRequest(run, spec.Name, instance, kind, kind is ProbeKind.Readiness ? spec.Readiness! : spec.Liveness!) { Spec = spec });
}
