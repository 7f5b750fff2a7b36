using KrustPm.Engine;

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
/// Finds the dependency and health changes one applied message made, for the event feed and the lifecycle log.
/// Only programs with <c>depends_on</c>, a probe or <c>ready_log_line</c> whose state object changed are looked at,
/// so programs without them cost one check per message.
/// </summary>
internal static class HealthChanges
{
    public static List<HealthChange>? Of(AppliedMessage applied)
    {
        List<HealthChange>? changes = null;
        var programs = applied.After.Programs;
        for (var index = 0; index < programs.Length; index++)
        {
            var after = programs[index];
            if (!HasHealth(after.Spec))
            {
                continue;
            }

            // Programs keep their place (they are only added at the end): look there first.
            var before = index < applied.Before.Programs.Length && applied.Before.Programs[index].Name == after.Name
                ? applied.Before.Programs[index]
                : applied.Before.Find(after.Name);
            if (!ReferenceEquals(before, after))
            {
                Compare(before, after, ref changes);
            }
        }

        return changes;
    }

    /// <summary>Whether the program has anything that can wait, become ready or fail its liveness probe.</summary>
    public static bool HasHealth(ProgramSpec spec) =>
        !spec.DependsOn.IsEmpty || spec.Readiness is not null || spec.Liveness is not null || spec.ReadyLogLine is not null;

    private static void Compare(ProgramState? before, ProgramState after, ref List<HealthChange>? changes)
    {
        Dictionary<long, InstanceState>? previous = null;
        if (before is not null)
        {
            previous = new Dictionary<long, InstanceState>(before.Instances.Length + before.Retiring.Length);
            foreach (var instance in before.Instances)
            {
                previous.TryAdd(instance.Id, instance);
            }

            foreach (var instance in before.Retiring)
            {
                previous.TryAdd(instance.Id, instance);
            }
        }

        foreach (var instance in after.Instances)
        {
            Add(after.Name, previous?.GetValueOrDefault(instance.Id), instance, ref changes);
        }

        foreach (var instance in after.Retiring)
        {
            Add(after.Name, previous?.GetValueOrDefault(instance.Id), instance, ref changes);
        }
    }

    private static void Add(string program, InstanceState? was, InstanceState now, ref List<HealthChange>? changes)
    {
        if (ReferenceEquals(was, now))
        {
            return;
        }

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
