using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// krust-pm's own shortages: a launch it gave up because it lacked a resource of its own (file descriptors,
/// processes, memory). That is not the program's failure: the instance waits in Backoff to make the same try again,
/// no failure is counted, and <see cref="EngineState.ResourceShortage"/> says what is lacking while any instance waits.
/// </summary>
public static partial class Reducer
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

        var program = t.Program(location.Program);
        var spec = program.Spec;
        var before = location.Get(t.State);

        // Nothing ran: no exit, no exit code, no failure; the same try is still to be made.
        var instance = before with
        {
            RunId = null,
            Pid = null,
            LastError = m.Reason,
            Ready = InitialReady(spec),
            ProbesInFlight = Health.ProbeKinds.None,
            FailingBecause = null,
            RestartRequested = false,
        };

        if (location.Retiring)
        {
            t.SetProgram(location.Program, program with { Retiring = program.Retiring.RemoveAt(location.Index) });
        }
        else if (t.State.ShuttingDown || (instance.StopRequested && !before.RestartRequested))
        {
            location.Set(t, instance with { Status = InstanceStatus.Stopped, ResourceWaits = 0 });
        }
        else
        {
            // A restart asked for while the launch was in flight still gets its new try, with its streak reset as
            // any restart's: the try that waits is that one.
            var waits = before.ResourceWaits + 1;
            var due = Later(m.At, ResourceWait(waits, m.Jitter));
            t.Effects.Add(new Effect.Schedule(new Message.RetryDue(spec.Name, instance.Id, instance.CurrentTry, due)));
            location.Set(t, instance with
            {
                Status = InstanceStatus.Backoff,
                NextTryAt = due,
                ResourceWaits = waits,
                StopRequested = false,
                ConsecutiveFailures = before.RestartRequested ? 0 : before.ConsecutiveFailures,
            });

            // A rolling restart stays on this instance until its try starts: moving on would stop the next running
            // instance only for its new try to wait too, turning krust-pm's shortage into the program's outage.
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
    /// <see cref="EngineState.ResourceShortage"/> is set exactly while any does, and clears the count of instances
    /// that stopped waiting some other way (stopped, started by a command...). Costs a look at every instance, and
    /// only while krust-pm is short (or was just told it is).
    /// </summary>
    private static void ReviewShortage(Transition t, Message message)
    {
        var shortage = t.State.ResourceShortage;
        if (shortage is null && message is not Message.StartDeferred)
        {
            return;
        }

        var waiting = 0;
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            var program = t.Program(index);
            var instances = EndedWaits(program.Instances, ref waiting, counted: true);
            var retiring = EndedWaits(program.Retiring, ref waiting, counted: false); // scaled away: no longer waits
            if (instances is not null || retiring is not null)
            {
                t.SetProgram(index, program with { Instances = instances ?? program.Instances, Retiring = retiring ?? program.Retiring });
            }
        }

        var reason = message is Message.StartDeferred deferred ? deferred.Reason : shortage?.Reason;
        var now = waiting == 0 || reason is null ? null
            : shortage is not null && shortage.Instances == waiting && shortage.Reason == reason ? shortage
            : new ResourceShortage(reason, shortage?.Since ?? message.At, waiting);
        if (!ReferenceEquals(now, shortage))
        {
            t.State = t.State with { ResourceShortage = now };
        }
    }

    /// <summary>
    /// Counts the instances that wait for resources (waiting, or launching the try they waited for) into
    /// <paramref name="waiting"/>; returns the list with the count cleared on the others, or <see langword="null"/>
    /// when none needed it.
    /// </summary>
    private static ImmutableArray<InstanceState>? EndedWaits(ImmutableArray<InstanceState> instances, ref int waiting, bool counted)
    {
        ImmutableArray<InstanceState>.Builder? changed = null;
        for (var i = 0; i < instances.Length; i++)
        {
            var instance = instances[i];
            if (instance.ResourceWaits == 0)
            {
                continue;
            }

            if (counted && instance.Status is InstanceStatus.Backoff or InstanceStatus.Started)
            {
                waiting++;
                continue;
            }

            changed ??= instances.ToBuilder();
            changed[i] = instance with { ResourceWaits = 0 };
        }

        return changed?.ToImmutable();
    }
}
