using KrustPm.Engine;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Events;

/// <summary>
/// Derives events from one applied message by comparing the state before and after it, through
/// <see cref="StateChanges"/>: a message costs what it touched, not what the state holds.
/// </summary>
internal static class EventsFromTransitions
{
    public static List<ApiEvent> Derive(AppliedMessage applied)
    {
        var events = new List<ApiEvent>();
        var at = applied.Message.At;
        switch (applied.Message)
        {
            case Message.Load load:
                events.AddRange(load.Programs.Where(p => applied.After.Find(p.Name) is not null && applied.Before.Find(p.Name) is null)
                    .Select(p => new ApiEvent(0, at, "program.loaded") { Program = p.Name, Instances = p.Instances }));
                break;
            case Message.Scale scale when !applied.Refused && applied.After.Find(scale.Program) is { } program
                && program.Instances.Length != applied.Before.Find(scale.Program)?.Instances.Length:
                events.Add(new ApiEvent(0, at, "program.scaled") { Program = scale.Program, Instances = program.Instances.Length });
                break;
            case Message.Shutdown when !applied.Before.ShuttingDown:
                events.Add(new ApiEvent(0, at, "krust-pm.stopping"));
                break;
            case Message.StopInstances or Message.StartInstances or Message.RestartInstances or Message.RemoveInstance or Message.SignalInstances
                when !applied.Refused:
                events.Add(Command(applied.Message, at));
                break;
        }

        foreach (var (before, after) in StateChanges.Programs(applied.Before, applied.After))
        {
            Compare(before, after, at, events);
        }

        HealthEvents.Derive(applied, events);
        return events;
    }

    private static ApiEvent Command(Message message, DateTimeOffset at) => message switch
    {
        Message.StopInstances m => new ApiEvent(0, at, "command") { Command = "stop", Program = m.Program, Instance = m.Instance },
        Message.StartInstances m => new ApiEvent(0, at, "command") { Command = "start", Program = m.Program, Instance = m.Instance },
        Message.RestartInstances m => new ApiEvent(0, at, "command")
        {
            Command = m.Rolling ? "restart (rolling)" : "restart", Program = m.Program, Instance = m.Instance,
        },
        Message.RemoveInstance m => new ApiEvent(0, at, "command") { Command = "delete", Program = m.Program, Instance = m.Instance },
        Message.SignalInstances m => new ApiEvent(0, at, "command")
        {
            Command = $"signal {Signals.NameOf(m.Signal)}", Program = m.Program, Instance = m.Instance,
        },
        _ => new ApiEvent(0, at, "command"),
    };

    private static void Compare(ProgramState? before, ProgramState after, DateTimeOffset at, List<ApiEvent> events)
    {
        var changes = StateChanges.Instances(before, after);
        foreach (var (was, instance) in changes.Changed)
        {
            if (was is not null && was.Status == instance.Status && was.RunId == instance.RunId && was.Pid == instance.Pid)
            {
                continue;
            }

            events.Add(Status(after.Name, was, instance, at));
        }

        foreach (var gone in changes.Gone)
        {
            events.Add(new ApiEvent(0, at, "instance.removed")
            {
                Program = after.Name, Instance = gone.Id, PreviousStatus = gone.Status.ToString(), ExitCode = gone.LastExitCode,
            });
        }
    }

    private static ApiEvent Status(string program, InstanceState? was, InstanceState instance, DateTimeOffset at)
    {
        var ended = was is { IsLive: true } && !instance.IsLive || was?.RunId is { } run && instance.RunId != run;
        return new ApiEvent(0, at, "instance.status")
        {
            Program = program,
            Instance = instance.Id,
            Status = instance.Status.ToString(),
            PreviousStatus = was?.Status.ToString(),
            Try = instance.CurrentTry,
            Pid = instance.Pid,
            ExitCode = ended ? instance.LastExitCode : null,
            Reason = (ended ? instance.LastError : null) ?? HealthEvents.StatusReason(instance),
            NextTryAt = instance.NextTryAt,
            WaitingFor = instance.WaitingFor.IsDefaultOrEmpty ? null : instance.WaitingFor,
        };
    }
}
