using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// The engine's decision function, in the decider's shape: <see cref="Decide"/> turns a message into events (what
/// happened), <see cref="Evolve"/> applies one event to a state, and <see cref="EffectsOf"/> says what the outside
/// world must do because of an event. All three are pure: they read no clock, start nothing and mutate nothing they
/// were given; the same inputs always give the same outputs.
/// </summary>
public static partial class Decider
{
    /// <summary>Decides what a message leads to: its events, the state after them, and the effects they ask for.</summary>
    /// <param name="state">The current state.</param>
    /// <param name="message">The message to apply.</param>
    /// <returns>
    /// The decision. Its state is <paramref name="state"/> with every event folded in by <see cref="Evolve"/>, its
    /// <see cref="EngineState.Version"/> one higher and its <see cref="EngineState.LastEventId"/> higher by the number of
    /// events (the first event's id is the old <see cref="EngineState.LastEventId"/> plus one).
    /// </returns>
    public static Decision Decide(EngineState state, Message message)
    {
        var t = new Transition(state, message.At);
        switch (message)
        {
            case Message.Load m: Load(t, m); break;
            case Message.Restore m: Restore(t, m); break;
            case Message.Reload m: Reload(t, m); break;
            case Message.Scale m: Scale(t, m); break;
            case Message.Shutdown m: Shutdown(t, m); break;
            case Message.StopInstances m: StopCommand(t, m); break;
            case Message.StartInstances m: StartCommand(t, m); break;
            case Message.RestartInstances m: RestartCommand(t, m); break;
            case Message.RemoveInstance m: RemoveCommand(t, m); break;
            case Message.SignalInstances m: SignalCommand(t, m); break;
            case Message.Started m: Started(t, m); break;
            case Message.StartFailed m: RunEnded(t, m.RunId, m.At, exitCode: null, error: m.Reason, m.Jitter); break;
            case Message.StartDeferred m: StartDeferred(t, m); break;
            case Message.Exited m: RunEnded(t, m.RunId, m.At, m.ExitCode, error: m.Cause, m.Jitter); break;
            case Message.UptimeReached m: UptimeReached(t, m); break;
            case Message.RetryDue m: RetryDue(t, m); break;
            case Message.StopTimeoutElapsed m: StopTimeoutElapsed(t, m); break;
            case Message.ProbeDue m: ProbeDue(t, m); break;
            case Message.ProbeResult m: ProbeResult(t, m); break;
            case Message.ReadyLineSeen m: ReadyLineSeen(t, m); break;
            case Message.MemorySampled m: MemorySampled(t, m); break;
            case Message.ScheduleDue m: ScheduleDue(t, m); break;
            default: throw new ArgumentOutOfRangeException(nameof(message), message, "Unknown message type.");
        }

        AfterEveryMessage(t, message);
        var events = t.Events.ToImmutable();
        var after = t.State with { Version = state.Version + 1, LastEventId = state.LastEventId + events.Length };
        return new Decision(after, events, t.Effects.ToImmutable());
    }

    /// <summary>Applies one message to a state: <see cref="Decide"/> without the events.</summary>
    /// <param name="state">The current state.</param>
    /// <param name="message">The message to apply.</param>
    /// <returns>The new state and the effects to carry out, in order.</returns>
    public static (EngineState State, ImmutableArray<Effect> Effects) Reduce(EngineState state, Message message)
    {
        var decision = Decide(state, message);
        return (decision.State, decision.Effects);
    }

    /// <summary>
    /// The state being built by one decision: every change is an event, folded in at once (so later decisions of the
    /// same message see it) and kept with the effects it asks for. Mutable only inside <see cref="Decide"/>.
    /// </summary>
    private sealed partial class Transition(EngineState state, DateTimeOffset at)
    {
        public EngineState State { get; private set; } = state;

        public ImmutableArray<EngineEvent>.Builder Events { get; } = ImmutableArray.CreateBuilder<EngineEvent>();

        public ImmutableArray<Effect>.Builder Effects { get; } = ImmutableArray.CreateBuilder<Effect>();

        public ProgramState Program(int index) => State.Programs[index];

        /// <summary>Records that something happened: the state evolves by it, and its effects are kept in order.</summary>
        public void Emit(EngineEvent @event)
        {
            var before = State;
            State = Evolve(before, @event);
            Events.Add(@event);
            Effects.AddRange(EffectsOf(before, @event));
            switch (@event)
            {
                case EngineEvent.ProgramLoaded:
                    ForgetIndexes();
                    break;
                case EngineEvent.InstanceEvent e:
                    ForgetFacts(IndexOf(e.Program));
                    break;
            }
        }

        public void Reply(long requestId, CommandResult result) => Emit(new EngineEvent.Answered(requestId, result, At));

        /// <summary>The time of the message being decided: every event it leads to happened then.</summary>
        public DateTimeOffset At { get; } = at;

        /// <summary>
        /// Launches <paramref name="instance"/>'s try <paramref name="attempt"/> if its program's dependencies allow
        /// it; otherwise the instance waits for them (or is blocked) and keeps that try to make. This is the one place
        /// a try is launched: the first start, a retry, a restart, a start command, a scale-up. When
        /// <paramref name="fresh"/> (started on purpose), the instance's failure streak starts over.
        /// </summary>
        public void Launch(ProgramSpec spec, InstanceState instance, int attempt, bool fresh = false)
        {
            var gate = Gate(spec);
            if (gate.Verdict is GateVerdict.Open)
            {
                LaunchNow(spec, instance, attempt, fresh);
            }
            else
            {
                Hold(this, spec, instance, attempt, gate, fresh);
            }
        }

        /// <summary>Launches without asking the dependencies: for callers that just did.</summary>
        public void LaunchNow(ProgramSpec spec, InstanceState instance, int attempt, bool fresh = false) =>
            Emit(new EngineEvent.InstanceLaunched(spec.Name, instance.Id, State.NextRunId, attempt, fresh, At));

        /// <summary>Sends the stop signal to a live instance that is not being stopped yet, and arms its stop timeout.</summary>
        public void Stop(ProgramSpec spec, InstanceState instance, StopReason reason, string? detail = null)
        {
            var runId = instance.RunId ?? throw new InvalidOperationException("Only a live instance can be stopped.");
            Emit(new EngineEvent.StopRequested(spec.Name, instance.Id, runId, spec.StopSignal, spec.StopTimeout, reason, detail, At)
            {
                Target = spec.StopSignalTarget,
            });
        }

        /// <summary>
        /// Stops a live instance for <paramref name="reason"/>: one already being stopped gets no second signal, only
        /// the new reason (which decides what follows its exit).
        /// </summary>
        public void StopOrRedirect(ProgramSpec spec, InstanceState instance, StopReason reason)
        {
            if (instance.StopRequested)
            {
                var redirect = new EngineEvent.StopRequested(spec.Name, instance.Id, instance.RunId!.Value, null, spec.StopTimeout, reason, null, At);
                if (Stopping(instance, redirect) != instance)
                {
                    Emit(redirect);
                }
            }
            else
            {
                Stop(spec, instance, reason);
            }
        }

        /// <summary>Answers now, or once the awaited runs have ended.</summary>
        public void ReplyWhenEnded(long requestId, ImmutableHashSet<long> awaitedRuns, CommandResult result)
        {
            if (awaitedRuns.IsEmpty)
            {
                Reply(requestId, result);
                return;
            }

            Emit(new EngineEvent.AnswerDeferred(requestId, [.. awaitedRuns.Order()], result, At));
        }
    }
}

/// <summary>What one message led to.</summary>
/// <param name="State">The state after the message.</param>
/// <param name="Events">What happened, in order.</param>
/// <param name="Effects">What the outside world must do, in order.</param>
public sealed record Decision(EngineState State, ImmutableArray<EngineEvent> Events, ImmutableArray<Effect> Effects);
