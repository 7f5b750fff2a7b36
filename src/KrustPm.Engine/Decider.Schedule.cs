using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// <c>cron_restart</c> and <c>schedule</c>: a program's cron timer is armed when it is loaded (or restored, or its
/// expression changes), and at each tick the decider restarts the program's running instances (rolling when there are
/// several) or starts its job's instances that are not running. Each tick arms the next one after now: ticks missed
/// while krust-pm was down, or busy, are never replayed. A timer whose tick is not the program's armed one (an older
/// expression) is ignored.
/// </summary>
public static partial class Decider
{
    private static void ScheduleDue(Transition t, Message.ScheduleDue m)
    {
        if (t.State.ShuttingDown
            || t.State.IndexOf(m.Program) is not (var index and >= 0)
            || t.Program(index) is not { NextScheduleAt: { } armed, Removing: false } program
            || armed != m.Tick
            || program.Spec.Cron is not { } cron)
        {
            return;
        }

        var after = m.At > m.Tick ? m.At : m.Tick;
        t.Emit(new EngineEvent.ScheduleArmed(program.Name, m.Tick, CronSchedule.Next(cron, program.Spec.TimeZone, after), m.At));
        if (program.Spec.Schedule is not null)
        {
            StartJob(t, index);
        }
        else
        {
            CronRestart(t, index, m.At);
        }
    }

    /// <summary>
    /// A job's tick: each instance that is not running, waiting or in backoff (from this tick's retries) starts a new try,
    /// with a fresh failure streak. One still running from the last tick is left alone: never two runs at once. One
    /// stopped by a command stays stopped until a start command.
    /// </summary>
    private static void StartJob(Transition t, int index)
    {
        var program = t.Program(index);
        foreach (var instance in program.Instances)
        {
            if (!instance.IsLive && !instance.StopIntended
                && instance.Status is InstanceStatus.Stopped or InstanceStatus.Done or InstanceStatus.RetriesExceeded or InstanceStatus.Failed)
            {
                LaunchAgain(t, program.Spec, t.Program(index).Find(instance.Id)!);
            }
        }
    }

    /// <summary>A <c>cron_restart</c> tick: the running instances restart, one at a time when there are several.</summary>
    private static void CronRestart(Transition t, int index, DateTimeOffset at)
    {
        var program = t.Program(index);
        ImmutableArray<long> running = [.. program.Instances.Where(i => i is { Status: InstanceStatus.Running, StopRequested: false }).Select(i => i.Id)];
        if (running.IsEmpty || program.Rolling is not null)
        {
            return; // nothing runs, or a rolling restart is already under way
        }

        if (running.Length == 1)
        {
            RestartOne(t, index, running[0]);
            return;
        }

        t.Emit(new EngineEvent.RollingRestartBegan(program.Name, running, RequestId: 0, AnswerAtEnd: false, at));
        TakeNext(t, index, t.Program(index).Rolling!, ImmutableQueue.CreateRange(running));
    }

    /// <summary>
    /// Arms the timer of every program with a cron expression that has none yet (loaded, reloaded with a new
    /// expression), and of all of them when krust-pm restores its journal (the timers of the previous run are gone).
    /// </summary>
    private static void ArmSchedules(Transition t, Message message)
    {
        var restoring = message is Message.Restore;
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            var program = t.Program(index);
            if (program.Spec.Cron is { } cron && !program.Removing && (program.NextScheduleAt is null || restoring)
                && CronSchedule.Next(cron, program.Spec.TimeZone, t.At) is { } next)
            {
                t.Emit(new EngineEvent.ScheduleArmed(program.Name, Ticked: null, next, t.At));
            }
        }
    }
}
