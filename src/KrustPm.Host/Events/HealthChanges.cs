using KrustPm.Engine;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Events;

/// <summary>What changed about an instance's dependencies or health.</summary>
internal enum HealthChangeKind
{
    /// <summary>It became <see cref="InstanceStatus.Waiting"/>.</summary>
    Waiting,

    /// <summary>It became <see cref="InstanceStatus.Blocked"/>.</summary>
    Blocked,

    /// <summary>Its run became ready.</summary>
    Ready,

    /// <summary>Its run, ready until now, is not any more (its readiness probe failed too often).</summary>
    NotReady,

    /// <summary>Its liveness probe failed too often: krust-pm stops it, to start it again as after a crash.</summary>
    LivenessFailed,
}

/// <summary>One change of one instance.</summary>
internal readonly record struct HealthChange(HealthChangeKind Kind, string Program, InstanceState Instance);

/// <summary>
/// Finds the dependency and health changes one applied message made, for the event feed and the lifecycle log,
/// through <see cref="StateChanges"/> (a message costs what it touched). Only programs with <c>depends_on</c>, a
/// probe or <c>ready_log_line</c> are compared, so programs without them cost nothing more than before.
/// </summary>
internal static class HealthChanges
{
    public static List<HealthChange>? Of(AppliedMessage applied)
    {
        List<HealthChange>? changes = null;
        foreach (var (before, after) in StateChanges.Programs(applied.Before, applied.After))
        {
            if (!HasHealth(after.Spec))
            {
                continue;
            }

            foreach (var (was, now) in StateChanges.Instances(before, after).Changed)
            {
                Add(after.Name, was, now, ref changes);
            }
        }

        return changes;
    }

    /// <summary>Whether the program has anything that can wait, become ready or fail its liveness probe.</summary>
    public static bool HasHealth(ProgramSpec spec) =>
        !spec.DependsOn.IsEmpty || spec.Readiness is not null || spec.Liveness is not null || spec.ReadyLogLine is not null;

    private static void Add(string program, InstanceState? was, InstanceState now, ref List<HealthChange>? changes)
    {
        if (now.Status is InstanceStatus.Waiting or InstanceStatus.Blocked && was?.Status != now.Status)
        {
            (changes ??= []).Add(new(now.Status == InstanceStatus.Waiting ? HealthChangeKind.Waiting : HealthChangeKind.Blocked, program, now));
        }

        if (now.IsLive && now.Ready == true && !(was?.Ready == true && was.RunId == now.RunId))
        {
            (changes ??= []).Add(new(HealthChangeKind.Ready, program, now));
        }
        else if (now.IsLive && now.Ready == false && was is { Ready: true } && was.RunId == now.RunId)
        {
            (changes ??= []).Add(new(HealthChangeKind.NotReady, program, now));
        }

        if (now.FailingBecause is not null && was?.FailingBecause is null)
        {
            (changes ??= []).Add(new(HealthChangeKind.LivenessFailed, program, now));
        }
    }

    /// <summary>What an instance waits for, as a sentence part: <c>db (healthy), migrate (completed_successfully)</c>.</summary>
    public static string WaitingFor(InstanceState instance) =>
        instance.WaitingFor.IsDefaultOrEmpty ? "its dependencies" : string.Join(", ", instance.WaitingFor);

    /// <summary>Why an instance is blocked.</summary>
    public static string BlockedBecause(InstanceState instance) =>
        instance.LastError ?? $"dependencies can no longer be met: {WaitingFor(instance)}";

    /// <summary>Why a run is not ready any more.</summary>
    public static string NotReadyBecause(InstanceState instance) =>
        instance.LastReadiness?.Detail ?? "its readiness probe failed";
}
