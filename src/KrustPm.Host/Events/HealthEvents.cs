using KrustPm.Engine;

namespace KrustPm.Host.Events;

/// <summary>
/// The events of readiness (<c>instance.ready</c>, <c>instance.not-ready</c>), and the reason an instance waits, is
/// blocked or is stopped after its liveness probe failed, carried by its <c>instance.status</c> event.
/// </summary>
internal static class HealthEvents
{
    public static void Derive(AppliedMessage applied, List<ApiEvent> events)
    {
        if (HealthChanges.Of(applied) is not { } changes)
        {
            return;
        }

        var at = applied.Message.At;
        foreach (var change in changes)
        {
            var instance = change.Instance;
            switch (change.Kind)
            {
                case HealthChangeKind.Ready:
                    events.Add(new ApiEvent(0, at, "instance.ready")
                    {
                        Program = change.Program, Instance = instance.Id, Try = instance.CurrentTry, Pid = instance.Pid,
                        Reason = instance.LastReadiness?.Detail,
                    });
                    break;
                case HealthChangeKind.NotReady:
                    events.Add(new ApiEvent(0, at, "instance.not-ready")
                    {
                        Program = change.Program, Instance = instance.Id, Try = instance.CurrentTry, Pid = instance.Pid,
                        Reason = HealthChanges.NotReadyBecause(instance),
                    });
                    break;
            }
        }
    }

    /// <summary>The reason an <c>instance.status</c> event carries for a waiting, blocked or failing instance, if any.</summary>
    public static string? StatusReason(InstanceState instance) => instance switch
    {
        { Status: InstanceStatus.Waiting } => $"waiting for {HealthChanges.WaitingFor(instance)}",
        { Status: InstanceStatus.Blocked } => HealthChanges.BlockedBecause(instance),
        { Status: InstanceStatus.Stopping, FailingBecause: { } failing } => failing,
        _ => null,
    };
}
