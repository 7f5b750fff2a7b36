using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// The engine's decision function: <c>(state, message) -> (new state, effects)</c>. Pure: it reads no clock, starts
/// nothing and mutates nothing it was given; the same inputs always give the same outputs.
/// </summary>
public static partial class Reducer
{
    /// <summary>Applies one message to a state.</summary>
    /// <param name="state">The current state.</param>
    /// <param name="message">The message to apply.</param>
    /// <returns>The new state and the effects to carry out, in order.</returns>
    public static (EngineState State, ImmutableArray<Effect> Effects) Reduce(EngineState state, Message message)
    {
        var t = new Transition(state);
        switch (message)
        {
            case Message.Load m: Load(t, m); break;
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
            case Message.Exited m: RunEnded(t, m.RunId, m.At, m.ExitCode, error: null, m.Jitter); break;
            case Message.UptimeReached m: UptimeReached(t, m); break;
            case Message.RetryDue m: RetryDue(t, m); break;
            case Message.StopTimeoutElapsed m: StopTimeoutElapsed(t, m); break;
            case Message.ProbeDue m: ProbeDue(t, m); break;
            case Message.ProbeResult m: ProbeResult(t, m); break;
            case Message.ReadyLineSeen m: ReadyLineSeen(t, m); break;
            default: throw new ArgumentOutOfRangeException(nameof(message), message, "Unknown message type.");
        }

        AfterEveryMessage(t, message);
        return (t.State with { Version = state.Version + 1 }, t.Effects.ToImmutable());
    }

    /// <summary>
    /// The state being built by one reduction, and the effects it asks for. Mutable only inside
    /// <see cref="Reduce"/>; never escapes it.
    /// </summary>
    private sealed partial class Transition(EngineState state)
    {
        public EngineState State { get; set; } = state;

        public ImmutableArray<Effect>.Builder Effects { get; } = ImmutableArray.CreateBuilder<Effect>();

        public ProgramState Program(int index) => State.Programs[index];

        public void SetProgram(int index, ProgramState program)
        {
            State = State with { Programs = State.Programs.SetItem(index, program) };
            ForgetFacts(index);
        }

        public void AddProgram(ProgramState program)
        {
            State = State with { Programs = State.Programs.Add(program) };
            ForgetIndexes();
        }

        public void Reply(long requestId, CommandResult result) => Effects.Add(new Effect.Reply(requestId, result));

        /// <summary>
        /// Asks for a new OS launch of <paramref name="instance"/>'s try <paramref name="attempt"/>, if its program's
        /// dependencies allow it; otherwise the instance waits for them (or is blocked) and keeps that try to make.
        /// This is the one place a try is launched: the first start, a retry, a restart, a start command, a scale-up.
        /// </summary>
        public InstanceState Launch(ProgramSpec spec, InstanceState instance, int attempt)
        {
            var gate = Gate(spec);
            return gate.Verdict is GateVerdict.Open ? LaunchNow(spec, instance, attempt) : Hold(spec, instance, attempt, gate);
        }

        /// <summary>Launches without asking the dependencies: for callers that just did.</summary>
        public InstanceState LaunchNow(ProgramSpec spec, InstanceState instance, int attempt)
        {
            var runId = State.NextRunId;
            State = State with { NextRunId = runId + 1 };
            Effects.Add(new Effect.Launch(new LaunchRequest(runId, spec, instance.Id, attempt)));
            return instance with
            {
                CurrentTry = attempt,
                Status = InstanceStatus.Started,
                RunId = runId,
                Pid = null,
                NextTryAt = null,
                StopRequested = false,
                WaitingFor = ImmutableArray<string>.Empty,

                // A blocked instance's error was the dependency's; the new run has no error yet.
                LastError = instance.Status is InstanceStatus.Blocked ? null : instance.LastError,

                // Probe state belongs to a run: the new one starts with none.
                Ready = InitialReady(spec),
                LastReadiness = null,
                LastLiveness = null,
                ReadinessFailures = 0,
                LivenessFailures = 0,
                ProbesInFlight = Health.ProbeKinds.None,
                FailingBecause = null,
            };
        }

        /// <summary>Sends the stop signal to a live instance and arms its stop timeout.</summary>
        public InstanceState Stop(ProgramSpec spec, InstanceState instance, DateTimeOffset at)
        {
            var runId = instance.RunId ?? throw new InvalidOperationException("Only a live instance can be stopped.");
            Effects.Add(new Effect.SendSignal(runId, spec.StopSignal));
            Effects.Add(new Effect.Schedule(new Message.StopTimeoutElapsed(runId, at + spec.StopTimeout)));

            // No probe of a stopping run matters any more: their results are ignored.
            return instance with
            {
                Status = InstanceStatus.Stopping,
                StopRequested = true,
                NextTryAt = null,
                ProbesInFlight = Health.ProbeKinds.None,
            };
        }

        /// <summary>Answers now, or once the awaited runs have ended.</summary>
        public void ReplyWhenEnded(long requestId, ImmutableHashSet<long> awaitedRuns, CommandResult result)
        {
            if (awaitedRuns.IsEmpty)
            {
                Reply(requestId, result);
                return;
            }

            State = State with { PendingReplies = State.PendingReplies.Add(new PendingReply(requestId, awaitedRuns, result)) };
        }
    }
}
