using System.Collections.Immutable;
using KrustPm.Engine.Health;

namespace KrustPm.Engine;

public static partial class Decider
{
    /// <summary>
    /// Applies one event to a state: the state after it happened. Pure and total: every decision was made by
    /// <see cref="Decide"/>, so folding a journal of events from <see cref="EngineState.Empty"/> rebuilds the state the
    /// engine had. An event about a program or instance the state does not hold changes nothing.
    /// </summary>
    /// <param name="state">The state before the event.</param>
    /// <param name="event">The event.</param>
    /// <returns>The state after it. <see cref="EngineState.Version"/> is left as it was (it counts messages).</returns>
    public static EngineState Evolve(EngineState state, EngineEvent @event) => @event switch
    {
        EngineEvent.ProgramLoaded e => state with { Programs = state.Programs.Add(new ProgramState(e.Spec, [], 0)) },
        EngineEvent.ShutdownBegan => state with { ShuttingDown = true },
        EngineEvent.EngineResumed e => Resumed(state, e.At),
        EngineEvent.ProgramChanged e => WithProgram(state, e.Program, p => p with
        {
            Spec = e.Spec,

            // A new expression or zone is armed afresh (ArmSchedules); the old timer's tick no longer matches.
            NextScheduleAt = p.Spec.Cron == e.Spec.Cron && p.Spec.TimeZone == e.Spec.TimeZone ? p.NextScheduleAt : null,
        }),
        EngineEvent.ProgramRetiring e => WithProgram(state, e.Program, p => p with { Removing = true }),
        EngineEvent.ProgramRemoved e => state.IndexOf(e.Program) is var index and >= 0 ? state with { Programs = state.Programs.RemoveAt(index) } : state,
        EngineEvent.ProgramsOrdered e => state with
        {
            Programs = [.. state.Programs.OrderBy(p => e.Programs.IndexOf(p.Name) is var at and >= 0 ? at : int.MaxValue)],
        },
        EngineEvent.RollingRestartBegan e => WithProgram(state, e.Program, p => p with
        {
            Rolling = new RollingRestart(e.RequestId, e.Instances[0], [], e.Instances.Length) { AnswerAtEnd = e.AnswerAtEnd },
        }),
        EngineEvent.RollingRestartMoved e => WithProgram(state, e.Program, p => p.Rolling is { } rolling
            ? p with { Rolling = rolling with { Current = e.Current, Remaining = ImmutableQueue.CreateRange(e.Remaining), Run = null, Restarted = e.Restarted } }
            : p),
        EngineEvent.RollingRestartAwaiting e => WithProgram(state, e.Program, p => p.Rolling is { } rolling ? p with { Rolling = rolling with { Run = e.RunId } } : p),
        EngineEvent.RollingRestartEnded e => WithProgram(state, e.Program, p => p with { Rolling = null }),
        EngineEvent.Answered e => state.PendingReplies.Any(r => r.RequestId == e.RequestId)
            ? state with { PendingReplies = state.PendingReplies.RemoveAll(r => r.RequestId == e.RequestId) }
            : state,
        EngineEvent.AnswerDeferred e => state with
        {
            PendingReplies = state.PendingReplies.Add(new PendingReply(e.RequestId, [.. e.AwaitedRuns], e.Result)),
        },
        EngineEvent.ScheduleArmed e => WithProgram(state, e.Program, p => p with { NextScheduleAt = e.Next }),
        EngineEvent.Scaled or EngineEvent.ConfigReloaded or EngineEvent.ProgramRestored or EngineEvent.CommandAccepted or EngineEvent.Killed or EngineEvent.Signalled => state,
        EngineEvent.InstanceAdded e => WithProgram(state, e.Program, p => p with
        {
            Instances = p.Instances.Add(new InstanceState(e.Instance, 1, InstanceStatus.Started) { Index = e.Index ?? FreeIndex(p.Instances) }),
            NextInstanceId = Math.Max(p.NextInstanceId, e.Instance + 1),
        }),
        EngineEvent.InstanceLaunched e => WithInstance(state, e, (spec, i) => Launched(spec, i, e)) with
        {
            NextRunId = Math.Max(state.NextRunId, e.RunId + 1),
        },
        EngineEvent.InstanceExited e => WithoutAwaitedRun(Exited(state, e), e.RunId),
        EngineEvent.InstanceStartDeferred e => WithoutAwaitedRun(Deferred(state, e), e.RunId),
        EngineEvent.ResourceShortageChanged e => ShortageReviewed(state, e),
        EngineEvent.InstanceRemoved e => Removed(state, e),
        EngineEvent.InstanceEvent e => WithInstance(state, e, (spec, i) => EvolveInstance(spec, i, e)),
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Unknown event type."),
    };

    /// <summary>The events that change one instance in place.</summary>
    private static InstanceState EvolveInstance(ProgramSpec spec, InstanceState instance, EngineEvent.InstanceEvent @event) => @event switch
    {
        EngineEvent.InstanceStarted e => WaitOver(instance).Status is InstanceStatus.Started
            ? WaitOver(instance) with
            {
                Pid = e.Pid,
                StartedAt = e.At,
                Status = InstanceStatus.Running,
                ConsecutiveFailures = spec.MinUptime <= TimeSpan.Zero ? 0 : instance.ConsecutiveFailures,
            }
            : WaitOver(instance) with { Pid = e.Pid, StartedAt = e.At },
        EngineEvent.InstanceStable => instance with { ConsecutiveFailures = 0 },
        EngineEvent.MemoryChecked e => instance with { MemoryStrikes = e.Strikes },
        EngineEvent.ProbeSkipped e => instance with { ProbesInFlight = instance.ProbesInFlight & ~Flag(e.Kind) },
        EngineEvent.StopRequested e => Stopping(instance, e),
        EngineEvent.InstanceWaiting e => Held(spec, instance, InstanceStatus.Waiting, e.Try, e.WaitingFor, e.FreshStreak, reason: null),
        EngineEvent.InstanceBlocked e => Held(spec, instance, InstanceStatus.Blocked, e.Try, e.WaitingFor, e.FreshStreak, e.Reason),
        EngineEvent.InstanceStopped e => instance with
        {
            Status = InstanceStatus.Stopped,
            NextTryAt = null,
            WaitingFor = ImmutableArray<string>.Empty,
            StopIntended = instance.StopIntended || e.ByCommand,
        },
        EngineEvent.ProbeStarted e => instance with { ProbesInFlight = instance.ProbesInFlight | Flag(e.Kind) },
        EngineEvent.ProbeCompleted { Kind: ProbeKind.Readiness } e => instance with
        {
            ProbesInFlight = instance.ProbesInFlight & ~ProbeKinds.Readiness,
            LastReadiness = e.Outcome,
            ReadinessFailures = e.Failures,
        },
        EngineEvent.ProbeCompleted e => instance with
        {
            ProbesInFlight = instance.ProbesInFlight & ~ProbeKinds.Liveness,
            LastLiveness = e.Outcome,
            LivenessFailures = e.Failures,
        },
        EngineEvent.ReadyLineMatched e => instance with
        {
            ReadinessFailures = 0,
            LastReadiness = new ProbeOutcome(true, $"output matched: {e.Line}", e.At),
        },
        EngineEvent.ReadinessChanged e => instance with { Ready = e.Ready },
        EngineEvent.ProbesReset e => instance with
        {
            ProbeEpoch = instance.ProbeEpoch + 1,
            ProbesInFlight = ProbeKinds.None,
            LivenessFailures = 0,
            LastLiveness = null,
            ReadinessFailures = e.Readiness ? 0 : instance.ReadinessFailures,
            LastReadiness = e.Readiness ? null : instance.LastReadiness,
            Ready = e.Readiness ? InitialReady(spec) : instance.Ready,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Unknown instance event type."),
    };

    /// <summary>
    /// krust-pm started again: no process of the previous run is left, so no run is live, nothing is being stopped,
    /// restarted, retired or answered, and every instance is marked as restored (and stopped until it is launched).
    /// </summary>
    private static EngineState Resumed(EngineState state, DateTimeOffset at) => state with
    {
        ShuttingDown = false,
        ResourceShortage = null,
        PendingReplies = [],
        Programs = [.. state.Programs.Select(p => p with
        {
            Retiring = [],
            Rolling = null,
            Removing = false,
            Instances = [.. UniqueIndexes(p.Instances).Select(i => i with
            {
                Status = i.Status is InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded ? i.Status : InstanceStatus.Stopped,
                RunId = null,
                Pid = null,
                NextTryAt = null,
                StopRequested = false,
                RestartRequested = false,
                WaitingFor = [],
                Ready = InitialReady(p.Spec),
                ProbesInFlight = ProbeKinds.None,
                FailingBecause = null,
                ResourceWaits = 0,
                RestoredAt = at,
            })],
        })],
    };

    /// <summary>A new run of an instance: everything that belonged to its last run is reset.</summary>
    private static InstanceState Launched(ProgramSpec spec, InstanceState instance, EngineEvent.InstanceLaunched e)
    {
        var basis = e.FreshStreak ? instance with { ConsecutiveFailures = 0, RestartRequested = false } : instance;
        return basis with
        {
            CurrentTry = e.Try,
            Status = InstanceStatus.Started,
            RunId = e.RunId,
            Pid = null,
            NextTryAt = null,
            StopRequested = false,
            StopIntended = false,
            WaitingFor = ImmutableArray<string>.Empty,

            // A blocked instance's error was the dependency's; the new run has no error yet.
            LastError = instance.Status is InstanceStatus.Blocked ? null : instance.LastError,

            // Probe and memory state belong to a run: the new one starts with none.
            MemoryStrikes = 0,
            Ready = InitialReady(spec),
            LastReadiness = null,
            LastLiveness = null,
            ReadinessFailures = 0,
            LivenessFailures = 0,
            ProbesInFlight = ProbeKinds.None,
            FailingBecause = null,
        };
    }

    /// <summary>An instance that may not launch now: it waits, with the try it will make, and (when blocked) why.</summary>
    private static InstanceState Held(
        ProgramSpec spec, InstanceState instance, InstanceStatus status, int attempt, ImmutableArray<string> waitingFor, bool fresh, string? reason)
    {
        var basis = fresh ? instance with { ConsecutiveFailures = 0, StopIntended = false } : instance;
        return basis with
        {
            Status = status,
            CurrentTry = attempt,
            RunId = null,
            Pid = null,
            NextTryAt = null,
            StopRequested = false,
            RestartRequested = false,
            WaitingFor = instance.WaitingFor.SequenceEqual(waitingFor) ? instance.WaitingFor : waitingFor,

            // Blocked says why; a waiting instance that was blocked no longer is.
            LastError = reason ?? (instance.Status is InstanceStatus.Blocked ? null : instance.LastError),
            Ready = InitialReady(spec),
            ProbesInFlight = ProbeKinds.None,
            FailingBecause = null,
        };
    }

    private static InstanceState Stopping(InstanceState instance, EngineEvent.StopRequested e)
    {
        var stopping = e.Signal is null
            ? instance
            : instance with { Status = InstanceStatus.Stopping, StopRequested = true, NextTryAt = null, ProbesInFlight = ProbeKinds.None };
        return e.Reason switch
        {
            StopReason.Command => stopping with { RestartRequested = false, FailingBecause = null, StopIntended = true },
            StopReason.Restart => stopping with { RestartRequested = true, FailingBecause = null },
            StopReason.RestartWith => stopping with { RestartRequested = true },
            StopReason.ScaleDown or StopReason.Removed => stopping with { RestartRequested = false },
            StopReason.Liveness => stopping with { FailingBecause = e.Detail },
            StopReason.Memory => stopping with { RestartRequested = true, FailingBecause = null },
            StopReason.Reload => stopping with { RestartRequested = true, FailingBecause = null },
            StopReason.Unloaded => stopping with { RestartRequested = false, FailingBecause = null },
            _ => stopping,
        };
    }

    /// <summary>A run ended: the instance keeps its exit, and becomes what the outcome says (or leaves, if it was removed).</summary>
    private static EngineState Exited(EngineState state, EngineEvent.InstanceExited e)
    {
        if (Locate(state, e.Program, e.Instance) is not { } at)
        {
            return state;
        }

        var program = state.Programs[at.Program];
        if (at.Retiring)
        {
            return SetProgram(state, at.Program, program with { Retiring = program.Retiring.RemoveAt(at.Index) });
        }

        var instance = program.Instances[at.Index];
        var ended = instance with
        {
            RunId = null,
            Pid = null,
            ExitedAt = e.At,
            LastExitCode = e.ExitCode,
            LastError = e.Error,
            ResourceWaits = 0, // it ran, or failed for a reason of its own: no longer a wait for krust-pm's resources
            ConsecutiveFailures = e.Failures,
            Ready = InitialReady(program.Spec),
            ProbesInFlight = ProbeKinds.None,
            FailingBecause = null,
        };
        ended = e.Outcome switch
        {
            ExitOutcome.Stopped => ended with { Status = InstanceStatus.Stopped, RestartRequested = false },
            ExitOutcome.Done => ended with { Status = InstanceStatus.Done, StopRequested = false },
            ExitOutcome.RetriesExceeded => ended with { Status = InstanceStatus.RetriesExceeded, StopRequested = false },
            ExitOutcome.Failed => ended with { Status = InstanceStatus.Failed, StopRequested = false },
            ExitOutcome.Retrying when e.NextTryAt is { } due => ended with
            {
                Status = InstanceStatus.Backoff, CurrentTry = instance.CurrentTry + 1, NextTryAt = due, StopRequested = false,
            },
            ExitOutcome.Retrying => ended with { StopRequested = false },

            // Restarting (or removed while still listed): the launch that follows sets the rest.
            _ => ended,
        };
        return SetProgram(state, at.Program, program with { Instances = program.Instances.SetItem(at.Index, ended) });
    }

    /// <summary>The error was krust-pm's own shortage, over once a try has started.</summary>
    private static InstanceState WaitOver(InstanceState instance) =>
        instance.ResourceWaits > 0 ? instance with { ResourceWaits = 0, LastError = null } : instance;

    /// <summary>
    /// A launch krust-pm gave up for lack of its own resources: nothing ran, the instance waits to make the same try
    /// again (a rolling restart on it waits for that try too).
    /// </summary>
    private static EngineState Deferred(EngineState state, EngineEvent.InstanceStartDeferred e)
    {
        var deferred = WithInstance(state, e, (spec, instance) => instance with
        {
            RunId = null,
            Pid = null,
            LastError = e.Reason,
            Ready = InitialReady(spec),
            ProbesInFlight = ProbeKinds.None,
            FailingBecause = null,
            RestartRequested = false,
            StopRequested = false,
            Status = InstanceStatus.Backoff,
            NextTryAt = e.NextTryAt,
            ResourceWaits = instance.ResourceWaits + 1,
            ConsecutiveFailures = instance.RestartRequested ? 0 : instance.ConsecutiveFailures,
        });
        return WithProgram(deferred, e.Program, p => p.Rolling is { } rolling && rolling.Run == e.RunId ? p with { Rolling = rolling with { Run = null } } : p);
    }

    /// <summary>A removed instance leaves its program; a live one is kept apart (retiring) until its run has ended.</summary>
    private static EngineState Removed(EngineState state, EngineEvent.InstanceRemoved e)
    {
        if (Locate(state, e.Program, e.Instance) is not { Retiring: false } at)
        {
            return state;
        }

        var program = state.Programs[at.Program];
        var instance = program.Instances[at.Index];
        return SetProgram(state, at.Program, program with
        {
            Instances = program.Instances.RemoveAt(at.Index),

            // A retiring instance is never started again, so a restart it was waiting for is cancelled.
            Retiring = instance.IsLive ? program.Retiring.Add(instance with { RestartRequested = false }) : program.Retiring,
        });
    }

    /// <summary>A run has ended: no answer waits for it any more (answers left with nothing to wait for follow as <see cref="EngineEvent.Answered"/>).</summary>
    private static EngineState WithoutAwaitedRun(EngineState state, long runId)
    {
        if (!state.PendingReplies.Any(r => r.AwaitedRuns.Contains(runId)))
        {
            return state;
        }

        return state with
        {
            PendingReplies = [.. state.PendingReplies.Select(r => r.AwaitedRuns.Contains(runId) ? r with { AwaitedRuns = r.AwaitedRuns.Remove(runId) } : r)],
        };
    }

    private static EngineState WithProgram(EngineState state, string name, Func<ProgramState, ProgramState> change)
    {
        var index = state.IndexOf(name);
        return index < 0 ? state : SetProgram(state, index, change(state.Programs[index]));
    }

    private static EngineState WithInstance(EngineState state, EngineEvent.InstanceEvent e, Func<ProgramSpec, InstanceState, InstanceState> change)
    {
        if (Locate(state, e.Program, e.Instance) is not { } at)
        {
            return state;
        }

        var program = state.Programs[at.Program];
        return SetProgram(state, at.Program, at.Retiring
            ? program with { Retiring = program.Retiring.SetItem(at.Index, change(program.Spec, program.Retiring[at.Index])) }
            : program with { Instances = program.Instances.SetItem(at.Index, change(program.Spec, program.Instances[at.Index])) });
    }

    private static EngineState SetProgram(EngineState state, int index, ProgramState program) =>
        state with { Programs = state.Programs.SetItem(index, program) };

    /// <summary>Where an instance sits: its program, and its place among the instances or the retiring ones.</summary>
    private static InstanceLocation? Locate(EngineState state, string programName, long id)
    {
        var index = state.IndexOf(programName);
        if (index < 0)
        {
            return null;
        }

        var program = state.Programs[index];
        var position = program.Instances.AsSpan().BinarySearch(new IdOrder(id));
        if (position >= 0)
        {
            return new InstanceLocation(index, Retiring: false, position);
        }

        position = program.Retiring.FindIndex(i => i.Id == id);
        return position >= 0 ? new InstanceLocation(index, Retiring: true, position) : null;
    }

    private readonly record struct InstanceLocation(int Program, bool Retiring, int Index);

    /// <summary>Orders instances by id, for a binary search of one id (ids grow, oldest first).</summary>
    private readonly struct IdOrder(long id) : IComparable<InstanceState>
    {
        public int CompareTo(InstanceState? other) => other is null ? 1 : id.CompareTo(other.Id);
    }
}
