namespace KrustPm.Engine;

public sealed partial class ProcessEngine
{
    private async Task RunAsync()
    {
        var reader = _inbox.Reader;
        var applied = new List<AppliedMessage>();
        var effects = new List<Effect>();
        var journaled = new List<Journal.JournalRecord>();
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                // Apply what is already queued (a bounded batch), publish once, then act: a burst costs one publish
                // per batch, and every effect (a reply in particular) is carried out only after the state that caused
                // it is visible.
                var state = State;
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var message))
                {
                    if (IsCommand(message))
                    {
                        Interlocked.Decrement(ref _queuedCommands);
                    }

                    var decision = Decider.Decide(state, message);
                    if (Applied is not null)
                    {
                        applied.Add(new AppliedMessage(message, decision.Events, decision.State.Version, state.LastEventId + 1));
                    }

                    if (_journal is not null)
                    {
                        for (var index = 0; index < decision.Events.Length; index++)
                        {
                            journaled.Add(new Journal.JournalRecord(state.LastEventId + 1 + index, decision.State.Version, decision.Events[index]));
                        }
                    }

                    effects.AddRange(decision.Effects);
                    state = decision.State;
                    count++;
                }

                // Written ahead: the journal holds what happened before anything is done about it.
                if (journaled.Count > 0)
                {
                    _journal!.Append(journaled, state);
                    journaled.Clear();
                }

                Publish(state);
                Notify(applied);
                foreach (var effect in effects)
                {
                    Execute(effect);
                }

                applied.Clear();
                effects.Clear();
            }
        }
        catch (Exception error)
        {
            // Nothing reads the channel any more: refuse new messages, and fail every waiting request.
            _inbox.Writer.TryComplete(error);
            foreach (var request in _requests.Values)
            {
                request.TrySetException(error);
            }

            throw;
        }
        finally
        {
            foreach (var slot in _timers.Values)
            {
                slot.Timer?.Dispose();
            }

            _timers.Clear();
        }
    }

    /// <summary>Commands come from <see cref="SendAsync"/>; everything else reports what happened.</summary>
    private static bool IsCommand(Message message) => message is Message.Load or Message.Restore or Message.Reload or Message.Scale or Message.Shutdown
        or Message.StopInstances or Message.StartInstances or Message.RestartInstances or Message.RemoveInstance
        or Message.SignalInstances;

    private void Publish(EngineState state)
    {
        Volatile.Write(ref _state, state);
        Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();
    }

    /// <summary>
    /// Raises <see cref="Applied"/> for each message, each handler on its own: an embedder's handler that throws must
    /// not take the loop down (every process would then be left unsupervised), nor keep the other handlers from
    /// seeing the message.
    /// </summary>
    private void Notify(List<AppliedMessage> applied)
    {
        if (Applied is not { } handlers)
        {
            return;
        }

        foreach (var message in applied)
        {
            foreach (var handler in Delegate.EnumerateInvocationList(handlers))
            {
                try
                {
                    handler(message);
                }
                catch (Exception error)
                {
                    ReportFailure(message, error);
                }
            }
        }
    }

    private void ReportFailure(AppliedMessage applied, Exception error)
    {
        if (AppliedHandlerFailed is not { } reporters)
        {
            return;
        }

        foreach (var reporter in Delegate.EnumerateInvocationList(reporters))
        {
            try
            {
                reporter(applied, error);
            }
            catch (Exception)
            {
                // Nowhere left to report it; the loop must go on.
            }
        }
    }

    private void Execute(Effect effect)
    {
        switch (effect)
        {
            case Effect.Launch launch:
                try
                {
                    _launcher.Launch(launch.Request, _events);
                }
                catch (Exception error)
                {
                    // A launcher must report failures as events; one that throws still must not kill the engine.
                    _events.StartFailed(launch.Request.RunId, error.Message);
                }

                break;
            case Effect.SendSignal signal:
                _launcher.Signal(signal.RunId, signal.Signal, signal.Target);
                break;
            case Effect.Schedule schedule:
                Schedule(schedule.Message);
                break;
            case Effect.RunProbe probe:
                _probes.Run(probe.Request, (request, outcome) =>
                    Post(new Message.ProbeResult(request.RunId, request.Kind, outcome, _time.GetUtcNow()) { Epoch = request.Epoch }));
                break;
            case Effect.Reply reply:
                if (_requests.TryRemove(reply.RequestId, out var answer))
                {
                    answer.TrySetResult(reply.Result);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(effect), effect, "Unknown effect type.");
        }
    }

    private void Schedule(Message message)
    {
        var delay = message.At - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            Post(message);
            return;
        }

        // Timers stay in a table until they fire: an unreferenced timer could be collected before it fires. The
        // slot is in the table before the timer exists, so a timer that fires at once still finds (and frees) it.
        // A timer cannot wait longer than about 49 days: a longer wait fires early and is simply armed again.
        var id = Interlocked.Increment(ref _nextTimerId);
        var slot = new TimerSlot();
        _timers[id] = slot;
        slot.Timer = _time.CreateTimer(
            _ =>
            {
                _timers.TryRemove(id, out TimerSlot? _);
                Schedule(message);
            },
            null,
            delay < MaxTimerDelay ? delay : MaxTimerDelay,
            Timeout.InfiniteTimeSpan);
    }

    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private sealed class TimerSlot
    {
        public ITimer? Timer { get; set; }
    }

    /// <summary>Turns a launcher's reports into time-stamped messages on the engine's channel.</summary>
    private sealed class LauncherEvents(ProcessEngine engine) : IProcessEvents
    {
        public void Started(long runId, int pid) => engine.Post(new Message.Started(runId, pid, engine._time.GetUtcNow()));

        public void StartFailed(long runId, string reason) =>
            engine.Post(new Message.StartFailed(runId, reason, engine._time.GetUtcNow()) { Jitter = engine.NextJitter() });

        public void StartDeferred(long runId, string reason) =>
            engine.Post(new Message.StartDeferred(runId, reason, engine._time.GetUtcNow()) { Jitter = engine.NextJitter() });

        public void Exited(long runId, int exitCode) =>
            engine.Post(new Message.Exited(runId, exitCode, engine._time.GetUtcNow()) { Jitter = engine.NextJitter() });

        public void Exited(long runId, int exitCode, string cause) =>
            engine.Post(new Message.Exited(runId, exitCode, engine._time.GetUtcNow()) { Jitter = engine.NextJitter(), Cause = cause });

        public void ReadyLineSeen(long runId, string line) =>
            engine.Post(new Message.ReadyLineSeen(runId, line, engine._time.GetUtcNow()));
    }
}
