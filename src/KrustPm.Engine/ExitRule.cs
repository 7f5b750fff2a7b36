using System.Globalization;

namespace KrustPm.Engine;

/// <summary>When krust-pm stops by itself (configuration: <c>exit_when</c>), for one-shot containers.</summary>
public enum ExitWhen
{
    /// <summary>Never: krust-pm runs until it is told to stop (the default).</summary>
    Never,

    /// <summary>
    /// Once an instance has failed for good (<see cref="InstanceStatus.Failed"/> or
    /// <see cref="InstanceStatus.RetriesExceeded"/>); a failure that will be retried does not count.
    /// </summary>
    AnyFailed,

    /// <summary>
    /// Once no instance runs or will run again on its own: each is <see cref="InstanceStatus.Done"/>,
    /// <see cref="InstanceStatus.Failed"/>, <see cref="InstanceStatus.RetriesExceeded"/>,
    /// <see cref="InstanceStatus.Blocked"/> or <see cref="InstanceStatus.Stopped"/>.
    /// </summary>
    AllDone,
}

/// <summary>That krust-pm should stop by itself, with which exit code, and why.</summary>
/// <param name="ExitCode">The exit code krust-pm ends with: 0 when everything succeeded, else the failed instance's code (1 when it has none that says failure).</param>
/// <param name="Reason">Why, for the log: <c>web.2 failed (exit code 3)</c>, <c>every instance is done</c>.</param>
public sealed record ExitDecision(int ExitCode, string Reason);

/// <summary>
/// The <see cref="ExitWhen"/> rule, decided from a snapshot of the engine's state: the engine's facts (an instance
/// failed for good, nothing runs any more) decide it; the host only stops and ends with the code.
/// </summary>
public static class ExitRule
{
    /// <summary>Whether krust-pm should stop by itself now, and how.</summary>
    /// <param name="state">The engine's state.</param>
    /// <param name="rule">The configured rule.</param>
    /// <returns>
    /// The decision, or <see langword="null"/> while the rule does not hold: always for <see cref="ExitWhen.Never"/>,
    /// before any instance is loaded, and once a shutdown has begun (it is stopping anyway).
    /// </returns>
    public static ExitDecision? Decide(EngineState state, ExitWhen rule)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (rule == ExitWhen.Never || state.ShuttingDown || !state.Programs.Any(p => !p.Instances.IsEmpty))
        {
            return null;
        }

        var failed = state.Programs
            .SelectMany(p => p.Instances.Select(i => (Program: p.Spec.Name, Instance: i)))
            .FirstOrDefault(x => x.Instance.Status is InstanceStatus.Failed or InstanceStatus.RetriesExceeded && !x.Instance.IsLive);
        if (rule == ExitWhen.AnyFailed)
        {
            return failed.Program is null ? null : Failure(failed.Program, failed.Instance);
        }

        var allDone = state.Programs.All(p => !p.Retiring.Any(r => r.IsLive) && p.Instances.All(i => !i.IsLive && i.Status is
            InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded or InstanceStatus.Blocked or InstanceStatus.Stopped));
        if (!allDone)
        {
            return null;
        }

        if (failed.Program is not null)
        {
            var failure = Failure(failed.Program, failed.Instance);
            return failure with { Reason = $"every instance has ended; {failure.Reason}" };
        }

        var blocked = state.Programs.SelectMany(p => p.Instances.Select(i => (Program: p.Spec.Name, Instance: i)))
            .FirstOrDefault(x => x.Instance.Status == InstanceStatus.Blocked);
        return blocked.Program is null
            ? new ExitDecision(0, "every instance has ended, none failed")
            : new ExitDecision(1, $"every instance has ended; {blocked.Program}.{Id(blocked.Instance)} is blocked: {blocked.Instance.LastError}");
    }

    /// <summary>The exit code of a failed instance: its own when it says failure (1 to 255), else 1.</summary>
    private static ExitDecision Failure(string program, InstanceState instance)
    {
        var code = instance.LastExitCode is >= 1 and <= 255 and var own ? own : 1;
        var how = instance.LastExitCode is { } exit
            ? $"exit code {exit.ToString(CultureInfo.InvariantCulture)}"
            : instance.LastError ?? "it did not start";
        var status = instance.Status == InstanceStatus.RetriesExceeded ? "ran out of retries" : "failed";
        return new ExitDecision(code, $"{program}.{Id(instance)} {status} ({how})");
    }

    private static string Id(InstanceState instance) => instance.Id.ToString(CultureInfo.InvariantCulture);
}
