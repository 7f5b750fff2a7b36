using System.Collections.Immutable;

namespace KrustPm.Engine.Tests;

public partial class ReducerPropertyTests
{
    /// <summary>
    /// The control commands in the walk: stop, start, restart (rolling or not), remove and signal, with random targets
    /// (sometimes unknown), what the model expects of them, and the invariants they must keep.
    /// </summary>
    private sealed partial class Walk
    {
        private static readonly int[] SignalNumbers = [Signals.Hangup, Signals.User1, Signals.Terminate];

        // Instances a stop command targeted since they were last launched: only they (and a shutdown) may be Stopped.
        private readonly HashSet<(string Program, long Instance)> _stopTargets = [];

        // Runs that must have ended before the answer to a request comes.
        private readonly Dictionary<long, ImmutableHashSet<long>> _awaitedBy = [];
        private readonly Dictionary<long, RejectionKind> _expectedKind = [];
        private readonly Dictionary<long, string> _rollingOf = [];

        // Rolling restarts a stop or the shutdown ended: their answer must say they were interrupted.
        private readonly HashSet<long> _interrupted = [];

        // Every answer given, by request.
        private readonly Dictionary<long, CommandResult> _results = [];

        private Message NextControlCommand()
        {
            var name = _state.Programs.IsEmpty || _random.Bool(0.05f) ? "ghost" : _random.ListItem(_state.Programs.Select(p => p.Name).ToList());
            var program = _state.Find(name);
            long? instance = _random.Bool(0.4f) ? null : PickInstance(program);
            var request = _nextRequest++;
            return _random.Number(0, 9) switch
            {
                0 or 1 => new Message.StopInstances(name, instance, request, _now),
                2 or 3 => new Message.StartInstances(name, instance, request, _now),
                4 => new Message.RestartInstances(name, instance, Rolling: false, request, _now) { Wait = _random.Bool(0.8f) },
                5 or 6 => new Message.RestartInstances(name, instance, Rolling: true, request, _now) { Wait = _random.Bool(0.8f) },
                7 => new Message.RemoveInstance(name, instance ?? PickInstance(program), request, _now),
                _ => new Message.SignalInstances(name, instance, _random.ArrayElement(SignalNumbers), request, _now),
            };
        }

        /// <summary>Mostly an instance of the program; sometimes one it had, or one it never had.</summary>
        private long PickInstance(ProgramState? program)
        {
            var roll = _random.Number(0, 19);
            if (program is { Instances.Length: > 0 } && roll < 18)
            {
                return _random.ArrayElement(program.Instances.Select(i => i.Id).ToArray());
            }

            if (roll == 18 && program is not null && _removed[program.Name].Count > 0)
            {
                return _random.ArrayElement(_removed[program.Name].ToArray());
            }

            return (program?.NextInstanceId ?? 0) + _random.Number(0, 2);
        }

        private static (string Program, long? Instance, long Request)? ControlTarget(Message message) => message switch
        {
            Message.StopInstances m => (m.Program, m.Instance, m.RequestId),
            Message.StartInstances m => (m.Program, m.Instance, m.RequestId),
            Message.RestartInstances m => (m.Program, m.Instance, m.RequestId),
            Message.RemoveInstance m => (m.Program, m.Instance, m.RequestId),
            Message.SignalInstances m => (m.Program, m.Instance, m.RequestId),
            _ => null,
        };

        /// <summary>What the model expects of a control command, decided from the intended semantics before the reducer sees it.</summary>
        private void ExpectControl(EngineState before, Message message)
        {
            var (name, instance, request) = ControlTarget(message)!.Value;
            var program = before.Find(name);
            var targets = program is null ? [] : program.Instances.Where(i => instance is not { } id || i.Id == id).ToList();
            RejectionKind? refused = program switch
            {
                null => RejectionKind.NotFound,
                _ when _shutdown => RejectionKind.Conflict,
                _ when instance is not null && targets.Count == 0 => RejectionKind.NotFound,
                { Rolling: not null } when message is not (Message.SignalInstances or Message.StopInstances) => RejectionKind.Conflict,
                _ when message is Message.StartInstances or Message.RestartInstances && targets.Any(i => i.Status is InstanceStatus.Stopping) => RejectionKind.Conflict,
                _ when message is Message.SignalInstances && instance is not null && !targets[0].IsLive => RejectionKind.Conflict,
                _ => null,
            };
            _awaitingReply[request] = null;
            if (refused is { } kind)
            {
                _expectedKind[request] = kind;
                coverage.RollingRefusals += program?.Rolling is not null && kind is RejectionKind.Conflict && !_shutdown ? 1 : 0;
                return;
            }

            var live = targets.Where(i => i.IsLive).Select(i => i.RunId!.Value).ToImmutableHashSet();
            _awaitedBy[request] = live;
            switch (message)
            {
                case Message.StopInstances:
                    _awaitingReply[request] = CommandResult.Ok(targets.Count(i => i.Status is not InstanceStatus.Stopped));
                    _stopTargets.UnionWith(targets.Select(i => (name, i.Id)));
                    Interrupt(program!.Rolling); // a stop ends a rolling restart of its program
                    break;
                case Message.StartInstances:
                    _awaitingReply[request] = CommandResult.Ok(targets.Count(i => !i.IsLive));
                    _awaitedBy[request] = [];
                    break;
                case Message.RestartInstances m:
                    _awaitingReply[request] = CommandResult.Ok(targets.Count);
                    if (!m.Wait)
                    {
                        _awaitedBy[request] = [];
                    }
                    else if (m.Rolling && targets.Count > 1)
                    {
                        _rollingOf[request] = name;
                    }

                    break;
                case Message.RemoveInstance m:
                    _awaitingReply[request] = CommandResult.Ok(1);
                    _expectedCount[name]--;
                    _removed[name].Add(m.Instance);
                    break;
                case Message.SignalInstances:
                    _awaitingReply[request] = CommandResult.Ok(live.Count);
                    _awaitedBy[request] = [];
                    break;
            }
        }

        /// <summary>A shutdown answers a rolling restart in progress at once: interrupted.</summary>
        private void ExpectShutdown(EngineState before)
        {
            foreach (var rolling in before.Programs.Select(p => p.Rolling).OfType<RollingRestart>())
            {
                Interrupt(rolling);
            }
        }

        private void Interrupt(RollingRestart? rolling)
        {
            if (rolling is { AnswerAtEnd: true })
            {
                _interrupted.Add(rolling.RequestId);
            }
        }

        /// <summary>
        /// Whether a reply is an answer the model allows besides the one it expected: a rolling restart may end with a
        /// failure (a new run failed first), and must when a stop or the shutdown interrupted it.
        /// </summary>
        private bool AllowedRollingAnswer(long id, CommandResult result, CommandResult? expected)
        {
            if (!_rollingOf.ContainsKey(id) || expected is null)
            {
                return result == expected;
            }

            var interrupted = _interrupted.Contains(id);
            return result.Failure is { } failure
                ? result.Accepted && failure.Kind == (interrupted ? CommandFailureKind.Interrupted : CommandFailureKind.InstanceFailed)
                    && result.Affected == failure.Restarted.Length && failure.Restarted.Length + failure.NotRestarted.Length < expected.Affected
                : !interrupted && result == expected;
        }

        /// <summary>A refusal is of the expected kind; an answer that waits comes only once what it waits for is over.</summary>
        private void CheckControlReply(Message message, Effect.Reply reply)
        {
            var (id, result) = (reply.RequestId, reply.Result);
            if (_expectedKind.TryGetValue(id, out var kind))
            {
                Check(result.Rejection == kind, $"request {id} refused as {result.Rejection} ({result.Reason}), expected {kind}");
            }

            _results[id] = result;
            if (result.Succeeded && _awaitedBy.TryGetValue(id, out var runs))
            {
                Check(runs.All(run => RunOwner(_state, run) is null), $"request {id} answered while one of runs {string.Join(", ", runs)} is still live");
                coverage.AwaitedControlReplies += runs.IsEmpty ? 0 : 1;
            }

            if (result.Accepted && _rollingOf.TryGetValue(id, out var name))
            {
                Check(_state.Find(name)?.Rolling?.RequestId != id, $"rolling restart {id} answered while it is still in progress");
                coverage.RollingDone += result.Succeeded ? 1 : 0;
                coverage.RollingFailures += result.Failure?.Kind is CommandFailureKind.InstanceFailed ? 1 : 0;
                coverage.RollingInterruptions += result.Failure?.Kind is CommandFailureKind.Interrupted ? 1 : 0;
            }

            coverage.ControlRejections += !result.Accepted && ControlTarget(message) is not null ? 1 : 0;
        }

        /// <summary>
        /// Why a launch of an existing instance is allowed on a control path: a start or restart that targets it, or the
        /// next turn of a rolling restart (moved on by its current instance's new run becoming ready or stable).
        /// </summary>
        /// <returns>Whether the launch is a rolling restart's next turn.</returns>
        private bool CheckControlLaunch(EngineState before, Message message, LaunchRequest r)
        {
            var name = r.Program.Name;
            var previous = Previous(before, name, r.InstanceId);
            var rollingTurn = message is Message.Started or Message.UptimeReached or Message.ProbeResult or Message.ReadyLineSeen
                && before.Find(name)?.Rolling is { } rolling && rolling.Remaining.Contains(r.InstanceId);
            var targeted = message is Message.StartInstances or Message.RestartInstances
                && ControlTarget(message) is { } c && c.Program == name && (c.Instance is null || c.Instance == r.InstanceId);

            var waited = previous?.Status is InstanceStatus.Waiting or InstanceStatus.Blocked;
            Check(message is not Message.Started || rollingTurn || waited, $"launch of {name}#{r.InstanceId} on {StateView.Describe(message)}, which moves no rolling restart on");
            Check(message is not (Message.StartInstances or Message.RestartInstances) || targeted, $"launch of {name}#{r.InstanceId}, which {StateView.Describe(message)} does not target");
            Check(previous is not { Status: InstanceStatus.Stopped } || targeted || rollingTurn, $"launch of {name}#{r.InstanceId}, Stopped, on {StateView.Describe(message)}");
            coverage.StartsFromStopped += previous is { Status: InstanceStatus.Stopped } ? 1 : 0;
            _stopTargets.Remove((name, r.InstanceId));
            return rollingTurn;
        }

        /// <summary>
        /// One rolling restart per program at a time; its current instance is being restarted (its old run stopping, its
        /// new try waiting for its dependencies, or its new run, the one it recorded, launching or running). It moves on
        /// only once that run is ready (or, without a readiness check, has run its minimum uptime), and ends otherwise
        /// only when that run failed, on a stop, or on the shutdown; a failure leaves the instances it had not reached alone.
        /// </summary>
        private void CheckRolling(EngineState before, Message message, ProgramState program)
        {
            var was = before.Find(program.Name)?.Rolling;
            if (program.Rolling is { } rolling)
            {
                var current = program.Find(rolling.Current);
                var remaining = rolling.Remaining.ToList();
                Check(!_shutdown, $"{program.Name}: a rolling restart survived the shutdown");
                Check(was is null || was.RequestId == rolling.RequestId, $"{program.Name}: rolling restart {rolling.RequestId} replaced {was?.RequestId} before it was answered");
                Check(
                    rolling.Run is null
                        ? current is { Status: InstanceStatus.Stopping, RestartRequested: true } or { Status: InstanceStatus.Waiting } or { Status: InstanceStatus.Backoff, ResourceWaits: > 0 }
                        : current is { Status: InstanceStatus.Started or InstanceStatus.Running, FailingBecause: null } && current.RunId == rolling.Run,
                    $"{program.Name}: the rolling restart's current #{rolling.Current} (run {rolling.Run}) is {current?.Status.ToString() ?? "gone"}, run {current?.RunId}");
                Check(!remaining.Contains(rolling.Current) && remaining.Distinct().Count() == remaining.Count && !rolling.Restarted.Intersect(remaining.Append(rolling.Current)).Any()
                    && rolling.Restarted.Length + remaining.Count < rolling.Count && rolling.Count >= 2, $"{program.Name}: {StateView.Describe(rolling)}");
            }

            if (was is null || message is Message.Shutdown || (program.Rolling is { } still && still.RequestId == was.RequestId && still.Current == was.Current))
            {
                return;
            }

            Check(program.Rolling?.RequestId != was.RequestId || was.Remaining.Contains(program.Rolling.Current), $"{program.Name}: the rolling restart moved from #{was.Current} to #{program.Rolling?.Current}, not one it had left");
            Check(program.Rolling?.RequestId == was.RequestId || _replied.Contains(was.RequestId), $"{program.Name}: rolling restart {was.RequestId} ended without an answer");

            // Why it left its current instance: that instance's new run took its turn, or failed, or a stop ended it.
            var left = program.Find(was.Current);
            var tookTurn = left is null || (left is { Status: InstanceStatus.Running } && left.RunId == was.Run && (program.Spec.Readiness is not null || program.Spec.ReadyLogLine is not null
                ? left.Ready is true
                : program.Spec.MinUptime <= TimeSpan.Zero || message is Message.UptimeReached u && u.RunId == left.RunId));
            var failed = left is not null && (was.Run is { } run ? left.RunId != run || left.FailingBecause is not null : left.Status is InstanceStatus.Blocked);
            var stopped = message is Message.StopInstances;
            Check(tookTurn || failed || stopped, $"{program.Name}: the rolling restart left #{was.Current} ({left?.Status}, run {left?.RunId}, its run {was.Run}) on {StateView.Describe(message)}");
            if (_results.TryGetValue(was.RequestId, out var result) && program.Rolling is null && was.AnswerAtEnd)
            {
                Check(result.Failure?.Kind switch
                {
                    null => tookTurn,
                    CommandFailureKind.InstanceFailed => failed && !stopped,
                    _ => stopped,
                }, $"{program.Name}: rolling restart {was.RequestId} answered {StateView.Describe(result)} after #{was.Current} ({left?.Status}, run {left?.RunId}, its run {was.Run}) on {StateView.Describe(message)}");
            }

            // A new run that failed ends the rolling restart: the instances it had not reached keep what they had.
            if (failed && !stopped && program.Rolling is null)
            {
                foreach (var id in was.Remaining)
                {
                    var (then, now) = (before.Find(program.Name)!.Find(id), program.Find(id));
                    Check(now is null || (!now.RestartRequested && (now.Status is not InstanceStatus.Stopping || then?.Status is InstanceStatus.Stopping)), $"{program.Name}#{id}: touched by a rolling restart that failed at #{was.Current}");
                }
            }
        }

        /// <summary>What an accepted control command does at once to the instances it targets.</summary>
        private void CheckControlOutcome(EngineState before, Message message)
        {
            if (ControlTarget(message) is not var (name, instance, request) || _awaitingReply[request] is null)
            {
                return;
            }

            var (was, now) = (before.Find(name)!, _state.Find(name)!);

            // A rolling restart reaches its instances one by one, and may end (a new run failed) before reaching some.
            var notReachedYet = message is Message.RestartInstances { Rolling: true } rolling
                && (now.Rolling is not null || !rolling.Wait || _results.GetValueOrDefault(request)?.Failure is not null);
            foreach (var previous in was.Instances.Where(i => instance is not { } id || i.Id == id))
            {
                var after = now.Find(previous.Id);
                var retired = now.Retiring.FirstOrDefault(i => i.Id == previous.Id);
                var ok = (message, previous.IsLive) switch
                {
                    (Message.StopInstances, true) => after is { Status: InstanceStatus.Stopping, StopRequested: true, RestartRequested: false, RunId: var run } && run == previous.RunId,
                    (Message.StopInstances, false) => after is { Status: InstanceStatus.Stopped, NextTryAt: null, IsLive: false },
                    (Message.StartInstances, true) => after == previous,
                    (Message.StartInstances or Message.RestartInstances, false) =>
                        after is { Status: InstanceStatus.Started, IsLive: true } || (after is not null && IsGated(after)) || (notReachedYet && after == previous),
                    (Message.RestartInstances, true) => after is { Status: InstanceStatus.Stopping, RestartRequested: true } || (notReachedYet && after == previous),
                    (Message.RemoveInstance, _) => after is null && (retired is { Status: InstanceStatus.Stopping, RestartRequested: false }) == previous.IsLive,
                    (Message.SignalInstances, _) => after == previous,
                    _ => false,
                };
                Check(ok, $"{name}#{previous.Id} is {after?.Status.ToString() ?? retired?.Status.ToString() ?? "gone"} after {StateView.Describe(message)}, from {previous.Status}");
            }
        }

        /// <summary>What must hold of an instance once control commands exist.</summary>
        private void CheckControlInstance(ProgramState program, InstanceState instance)
        {
            var name = $"{program.Name}#{instance.Id}";
            Check(instance.Status is not InstanceStatus.Stopped || _shutdown || _stopTargets.Contains((program.Name, instance.Id)), $"{name}: Stopped without a shutdown or a stop command");
            Check(!instance.RestartRequested || (instance.IsLive && instance.Status is InstanceStatus.Stopping), $"{name}: restart requested while {instance.Status}, live {instance.IsLive}");
            Check(!instance.RestartRequested || !_stopTargets.Contains((program.Name, instance.Id)), $"{name}: a stop command did not cancel its restart");
            Check(!instance.RestartRequested || program.Rolling is not { } rolling || rolling.Current == instance.Id, $"{name}: restarting beside the rolling restart's current #{program.Rolling?.Current}");
        }
    }
}
