namespace KrustPm.Engine;

/// <summary>
/// krust-pm's own shortages: a launch it gave up because it lacked a resource of its own (file descriptors,
/// processes, memory). That is not the program's failure: the instance waits in Backoff to make the same try again,
/// no failure is counted, and <see cref="EngineState.ResourceShortage"/> says what is lacking while any instance waits.
/// </summary>
public static partial class Decider
{
    /// <summary>The first wait for resources; it doubles with each wait in a row, up to <see cref="LongestResourceWait"/>.</summary>
    internal static readonly TimeSpan FirstResourceWait = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait for resources: how late, at worst, an instance notices that they are back.</summary>
    internal static readonly TimeSpan LongestResourceWait = TimeSpan.FromSeconds(10);

    private static void StartDeferred(Transition t, Message.StartDeferred m)
    {
        if (FindRun(t.State, m.RunId) is not { } location)
        {
            return; // Already ended (a duplicate report): ignore.
        }

        var spec = t.Program(location.Program).Spec;
        var before = location.Get(t.State);

        // Nothing ran: no exit, no exit code, no failure. One that was to go goes; else the same try is still to make.
        var ended = new Ending(spec.Name, before.Id, m.RunId, before.CurrentTry, ExitCode: null, m.At);
        if (location.Retiring)
        {
            t.Emit(ended.As(ExitOutcome.Removed, m.Reason, before.ConsecutiveFailures));
        }
        else if (t.State.ShuttingDown || (before.StopRequested && !before.RestartRequested))
        {
            t.Emit(ended.As(ExitOutcome.Stopped, m.Reason, before.ConsecutiveFailures));
        }
        else
        {
            // A restart asked for while the launch was in flight still gets its new try (its streak reset as any
            // restart's). A rolling restart stays on this instance until its try starts: moving on would stop the
            // next running instance only for its new try to wait too, turning krust-pm's shortage into an outage.
            var due = Later(m.At, ResourceWait(before.ResourceWaits + 1, m.Jitter));
            t.Emit(new EngineEvent.InstanceStartDeferred(spec.Name, before.Id, m.RunId, before.CurrentTry, m.Reason, due, m.At));
        }

        ResolvePendingReplies(t, m.RunId);
    }

    /// <summary>
    /// The wait before the <paramref name="waits"/>-th try in a row for resources: 1 s, doubled per wait, at most 10 s,
    /// moved by the same ±20 % of jitter as a failure's backoff (many instances waiting together do not retry in step).
    /// </summary>
    private static TimeSpan ResourceWait(int waits, double jitter)
    {
        var nominal = FirstResourceWait;
        for (var n = 1; n < waits && nominal < LongestResourceWait; n++)
        {
            nominal *= 2;
        }

        nominal = nominal < LongestResourceWait ? nominal : LongestResourceWait;
        var spread = 1 - Backoff.JitterFraction + (2 * Backoff.JitterFraction * Math.Clamp(jitter, 0, 1));
        return TimeSpan.FromTicks((long)(nominal.Ticks * spread));
    }

    /// <summary>
    /// After a message that may have changed who waits for resources: counts them, so that
    /// <see cref="EngineState.ResourceShortage"/> is set exactly while any does, and has the count of instances that
    /// stopped waiting some other way (stopped, started by a command...) cleared. Costs a look at every instance, and
    /// only while krust-pm is short (or was just told it is).
    /// </summary>
    private static void ReviewShortage(Transition t, Message message)
    {
        var shortage = t.State.ResourceShortage;
        if (shortage is null && message is not Message.StartDeferred)
        {
            return;
        }

        var (waiting, stale) = CountWaits(t.State);
        var reason = message is Message.StartDeferred deferred ? deferred.Reason : shortage?.Reason;
        var now = waiting == 0 || reason is null ? null
            : shortage is not null && shortage.Instances == waiting && shortage.Reason == reason ? shortage
            : new ResourceShortage(reason, shortage?.Since ?? message.At, waiting);
        if (!ReferenceEquals(now, shortage) || stale)
        {
            t.Emit(new EngineEvent.ResourceShortageChanged(now, message.At));
        }
    }

    /// <summary>
    /// The instances that wait for resources (waiting, or launching the try they waited for), and whether any other
    /// still has a count of waits (to be cleared).
    /// </summary>
    private static (int Waiting, bool Stale) CountWaits(EngineState state)
    {
        var (waiting, stale) = (0, false);
        foreach (var program in state.Programs)
        {
            foreach (var instance in program.Instances)
            {
                if (instance.ResourceWaits > 0)
                {
                    if (StillWaits(instance))
                    {
                        waiting++;
                    }
                    else
                    {
                        stale = true;
                    }
                }
            }

            stale |= program.Retiring.Any(i => i.ResourceWaits > 0); // scaled away: no longer waits
        }

        return (waiting, stale);
    }

    private static bool StillWaits(InstanceState instance) => instance.Status is InstanceStatus.Backoff or InstanceStatus.Started;

    /// <summary>The state with the shortage as the event says, and the count of waits cleared on instances that no longer wait.</summary>
    private static EngineState ShortageReviewed(EngineState state, EngineEvent.ResourceShortageChanged e) => state with
    {
        ResourceShortage = e.Shortage,
        Programs = [.. state.Programs.Select(p => p.Instances.Any(i => i.ResourceWaits > 0 && !StillWaits(i)) || p.Retiring.Any(i => i.ResourceWaits > 0)
            ? p with
            {
                Instances = [.. p.Instances.Select(i => i.ResourceWaits > 0 && !StillWaits(i) ? i with { ResourceWaits = 0 } : i)],
                Retiring = [.. p.Retiring.Select(i => i with { ResourceWaits = 0 })],
            }
            : p)],
    };
}
