namespace KrustPm.Engine.Tests;

public partial class ReducerPropertyTests
{
    private sealed partial class Walk
    {
        private void CheckState(EngineState before, Message message)
        {
            Check(_state.Version == _step, $"version {_state.Version} after {_step} messages");
            var runIds = new HashSet<long>();
            foreach (var program in _state.Programs)
            {
                Check(program.Instances.Length == _expectedCount[program.Name], $"{program.Name} has {program.Instances.Length} instances, the last accepted command asked for {_expectedCount[program.Name]}");
                for (var i = 1; i < program.Instances.Length; i++)
                {
                    Check(program.Instances[i - 1].Id < program.Instances[i].Id, $"{program.Name} instance ids are not strictly increasing");
                }

                var ids = new HashSet<long>();
                foreach (var instance in program.Instances.Concat(program.Retiring))
                {
                    Check(ids.Add(instance.Id) && instance.Id < program.NextInstanceId, $"{program.Name}#{instance.Id}: id reused or not below NextInstanceId {program.NextInstanceId}");
                    Check(instance.RunId is not { } run || (runIds.Add(run) && run < _state.NextRunId), $"{program.Name}#{instance.Id}: run {instance.RunId} is not unique or not below NextRunId {_state.NextRunId}");
                    CheckInstance(program, instance);
                    if (Previous(before, program.Name, instance.Id) is { } previous)
                    {
                        CheckTransition(before, message, program.Spec, previous, instance);
                    }
                }

                Check(program.Retiring.All(r => r.IsLive && r.Status is InstanceStatus.Stopping), $"{program.Name}: a retiring instance is not a live, stopping one");
                CheckRolling(before, message, program);
            }

            CheckControlOutcome(before, message);
            CheckGates();
            CheckShortage(before, message);
            CountHealth(before, message);

            // Timers that do not apply (stale, or nothing to do) change nothing at all.
            var applies = message switch
            {
                Message.RetryDue m => before.Find(m.Program)?.Instances.Any(i => i.Id == m.InstanceId && i.Status is InstanceStatus.Backoff && i.CurrentTry == m.Try) == true,
                Message.UptimeReached m => RunOwner(before, m.RunId) is { Retiring: false, Instance: { Status: InstanceStatus.Running, ConsecutiveFailures: > 0 } }
                    || RunOwner(before, m.RunId) is { Retiring: false, Instance.Status: InstanceStatus.Running, Program: { Rolling.Run: var rolled } } && rolled == m.RunId,
                Message.StopTimeoutElapsed => false,
                Message.ProbeDue m => ProbeApplies(before, m.RunId, m.Kind, inFlight: false),
                Message.ProbeResult m => ProbeApplies(before, m.RunId, m.Kind, inFlight: true),
                Message.ReadyLineSeen m => RunOwner(before, m.RunId) is { Instance.Status: InstanceStatus.Running, Program.Spec.ReadyLogLine: not null },
                _ => true,
            };
            Check(applies || _state == before with { Version = _state.Version, LastEventId = _state.LastEventId }, $"{StateView.Describe(message)} should have changed nothing");
            if (message is Message.UptimeReached u && RunOwner(before, u.RunId) is null)
            {
                coverage.StaleUptimes++;
            }

            var live = LiveRuns().ToHashSet();
            foreach (var pending in _state.PendingReplies)
            {
                Check(!_replied.Contains(pending.RequestId), $"request {pending.RequestId} is pending but was already answered");
                foreach (var run in pending.AwaitedRuns)
                {
                    Check(live.Contains(run), $"request {pending.RequestId} awaits run {run}, which has ended");
                }
            }
        }

        /// <summary>The shortage is set exactly while instances wait for resources, counts them, and keeps its start.</summary>
        private void CheckShortage(EngineState before, Message message)
        {
            var waiting = _state.Programs.Sum(p => p.Instances.Count(i => i.ResourceWaits > 0));
            var shortage = _state.ResourceShortage;
            Check((shortage is null) == (waiting == 0) && (shortage is null || shortage.Instances == waiting), $"shortage {shortage} with {waiting} instances waiting for resources");
            Check(shortage is null || before.ResourceShortage is null || shortage.Since == before.ResourceShortage.Since, $"shortage {shortage} moved its start from {before.ResourceShortage?.Since}");
            Check(shortage is null || before.ResourceShortage is not null || message is Message.StartDeferred, $"shortage {shortage} began on {StateView.Describe(message)}");
            coverage.ResourceWaits += message is Message.StartDeferred && shortage is not null ? 1 : 0;
        }

        /// <summary>What must hold of an instance in any state.</summary>
        private void CheckInstance(ProgramState program, InstanceState instance)
        {
            var (spec, name, status) = (program.Spec, $"{program.Name}#{instance.Id}", instance.Status);
            var failures = instance.ConsecutiveFailures;
            Check(instance.CurrentTry >= 1, $"{name}: CurrentTry {instance.CurrentTry}");
            Check(failures >= 0 && (spec.RetriesForever || failures <= spec.MaxRetries + 1), $"{name}: {failures} consecutive failures with MaxRetries {spec.MaxRetries}");

            // Every failure was a try; a live or waiting instance's current try has not failed (yet).
            Check(failures <= instance.CurrentTry && (failures < instance.CurrentTry || !(instance.IsLive || status is InstanceStatus.Backoff)), $"{name}: {failures} consecutive failures at try {instance.CurrentTry} ({status})");
            Check(status is not InstanceStatus.Started || (instance.IsLive && instance.Pid is null), $"{name}: Started but not a launch in flight");
            Check(status is not InstanceStatus.Running || (instance.Pid is not null && instance.IsLive), $"{name}: Running without a pid");
            Check(status is not InstanceStatus.Stopping || (instance.IsLive && instance.StopRequested), $"{name}: Stopping but not live or not asked to stop");
            Check(status is not (InstanceStatus.Done or InstanceStatus.RetriesExceeded or InstanceStatus.Failed or InstanceStatus.Stopped) || (!instance.IsLive && instance.NextTryAt is null), $"{name}: {status} but still live or waiting for a try");

            // Backoff <=> not live and a next try set; only when there is a delay to wait (or krust-pm's resources to
            // wait for), and never after shutdown.
            var waitsForResources = instance.ResourceWaits > 0;
            Check((status is InstanceStatus.Backoff) == (!instance.IsLive && instance.NextTryAt is not null), $"{name}: {status}, live {instance.IsLive}, NextTryAt {instance.NextTryAt}");
            Check(instance.NextTryAt is null || status is InstanceStatus.Backoff, $"{name}: NextTryAt set while {status}");
            Check(status is not InstanceStatus.Backoff || (!_shutdown && (waitsForResources || (spec.Restart is not RestartPolicy.Never && spec.RestartDelay > TimeSpan.Zero))), $"{name}: Backoff with {spec.Restart}, RestartDelay {spec.RestartDelay}, shutdown {_shutdown}");
            Check(waitsForResources || instance.NextTryAt is not { } next || (instance.ExitedAt is { } exited && next > exited && next - exited <= Max(spec.RestartDelay, spec.RestartDelayMax)), $"{name}: next try at {instance.NextTryAt}, last exit at {instance.ExitedAt}");
            Check(!waitsForResources || status is InstanceStatus.Backoff or InstanceStatus.Started, $"{name}: {instance.ResourceWaits} waits for resources while {status}");

            CheckControlInstance(program, instance);
            CheckHealthInstance(program, instance);
            Check(status is not InstanceStatus.Done || (instance.LastExitCode == 0 && failures == 0 && spec.Restart is not RestartPolicy.Always), $"{name}: Done with exit code {instance.LastExitCode}, {failures} failures, policy {spec.Restart}");
            Check(status is not InstanceStatus.Failed || (spec.Restart is RestartPolicy.Never && failures == 1 && (instance.LastError is not null || instance.LastExitCode is not (null or 0))), $"{name}: Failed with policy {spec.Restart}, {failures} failures, exit code {instance.LastExitCode}");
            Check(status is not InstanceStatus.RetriesExceeded || (spec.Restart is not RestartPolicy.Never && !spec.RetriesForever && failures == spec.MaxRetries + 1), $"{name}: RetriesExceeded with {failures} failures, MaxRetries {spec.MaxRetries}, policy {spec.Restart}");
        }

        /// <summary>How one message may change one instance: the streak, the try, and what an ended run leads to.</summary>
        private void CheckTransition(EngineState before, Message message, ProgramSpec spec, InstanceState previous, InstanceState instance)
        {
            var name = $"{spec.Name}#{instance.Id}";
            var ownRun = previous.RunId is { } run && message switch
            {
                Message.Started m => m.RunId == run,
                Message.Exited m => m.RunId == run,
                Message.StartFailed m => m.RunId == run,
                Message.StartDeferred m => m.RunId == run,
                Message.UptimeReached m => m.RunId == run,
                _ => false,
            };
            if (ownRun && message is Message.StartDeferred)
            {
                // Not a try that ran or failed: the same try waits for krust-pm's resources (or is stopped).
                var stoppedNow = (previous.StopRequested && !previous.RestartRequested) || before.ShuttingDown;
                var streak = previous.RestartRequested && !stoppedNow ? 0 : previous.ConsecutiveFailures; // a restart resets it
                Check(instance.ConsecutiveFailures == streak && instance.CurrentTry == previous.CurrentTry, $"{name}: a deferred start changed the streak or the try ({previous.ConsecutiveFailures}/{previous.CurrentTry} -> {instance.ConsecutiveFailures}/{instance.CurrentTry})");
                Check(stoppedNow
                    ? instance is { Status: InstanceStatus.Stopped, ResourceWaits: 0 }
                    : instance.Status is InstanceStatus.Backoff && instance.ResourceWaits == previous.ResourceWaits + 1 && instance.NextTryAt > message.At, $"{name}: {instance.Status} with {instance.ResourceWaits} waits after {StateView.Describe(message)}");
                return;
            }

            var ended = ownRun && message is Message.Exited or Message.StartFailed;
            var stable = previous is { Pid: not null, StartedAt: { } startedAt } && message.At - startedAt >= spec.MinUptime;
            var exitCode = (message as Message.Exited)?.ExitCode;

            // Stopped for failing its liveness probe: its end is a failed try, whatever its exit code.
            var failing = ended && previous.FailingBecause is not null && !before.ShuttingDown;
            var stopped = (previous.StopRequested && !failing) || before.ShuttingDown;
            var cleanExit = exitCode == 0 && !failing;

            // Launched on purpose (a start, a restart, a rolling restart's turn): a new try with its failure streak reset.
            // Held by the gate instead of launched counts the same. Launched by the dependency pass, it keeps its streak.
            var waited = IsGated(previous);
            var launchedNow = (instance.RunId is { } fresh && fresh >= before.NextRunId) || (IsGated(instance) && !waited);
            var targeted = RollingReached(before, message, spec.Name).Contains(instance.Id) || (message is Message.StartInstances or Message.RestartInstances
                && ControlTarget(message) is { } c && c.Program == spec.Name && (c.Instance is null || c.Instance == instance.Id));
            var passLaunch = launchedNow && waited && !targeted;
            var controlLaunch = launchedNow && !passLaunch && message is not Message.RetryDue && (previous.RestartRequested || !ownRun);

            var expectedFailures = previous.ConsecutiveFailures;
            if (controlLaunch || (targeted && waited && instance.ConsecutiveFailures == 0))
            {
                expectedFailures = 0; // a rolling restart resets only the waiting instances it reached
            }
            else if (ended)
            {
                expectedFailures = cleanExit && !stopped ? 0 : (stable ? 0 : previous.ConsecutiveFailures) + (cleanExit || stopped ? 0 : 1);
            }
            else if (ownRun && ((message is Message.UptimeReached && previous.Status is InstanceStatus.Running)
                || (message is Message.Started && previous.Status is InstanceStatus.Started && spec.MinUptime == TimeSpan.Zero)))
            {
                expectedFailures = 0;
            }

            Check(instance.ConsecutiveFailures == expectedFailures, $"{name}: {instance.ConsecutiveFailures} consecutive failures after {StateView.Describe(message)}, expected {expectedFailures} (before {previous.ConsecutiveFailures}, stable {stable})");
            var expectedTry = previous.Status is InstanceStatus.Backoff || waited ? previous.CurrentTry : previous.CurrentTry + 1; // no try skipped
            Check(controlLaunch ? instance.CurrentTry == expectedTry : instance.CurrentTry == previous.CurrentTry || (instance.CurrentTry == previous.CurrentTry + 1 && ended && !stopped), $"{name}: CurrentTry went from {previous.CurrentTry} to {instance.CurrentTry} on {StateView.Describe(message)}");
            Check(instance.Status is not InstanceStatus.Done || previous.Status is InstanceStatus.Done || (ended && cleanExit), $"{name}: became Done without its run exiting 0");

            if (ended && !stopped)
            {
                CheckOutcome(message, spec, name, instance, failing ? 1 : exitCode);
            }
            else if (ended)
            {
                // Stopped on purpose: started again at once when a restart asked for it (and no shutdown came), else Stopped.
                var expected = previous.RestartRequested && !before.ShuttingDown ? InstanceStatus.Started : InstanceStatus.Stopped;
                Check((instance.Status == expected || (expected is InstanceStatus.Started && IsGated(instance))) && !instance.RestartRequested, $"{name}: {instance.Status} after its stopped run ended, expected {expected}");
                coverage.StoppedByCommand += expected is InstanceStatus.Stopped && !before.ShuttingDown ? 1 : 0;
            }

            var wasReset = previous.ConsecutiveFailures > 0 && instance.ConsecutiveFailures < previous.ConsecutiveFailures;
            coverage.UptimeResets += wasReset && message is Message.UptimeReached ? 1 : 0;
            coverage.ExitTimeResets += wasReset && ended && stable && exitCode != 0 ? 1 : 0;
            if (instance.Status != previous.Status)
            {
                coverage.RetriesExceeded += instance.Status is InstanceStatus.RetriesExceeded ? 1 : 0;
                coverage.Failed += instance.Status is InstanceStatus.Failed ? 1 : 0;
            }
        }

        /// <summary>What the end of a run (not one krust-pm stopped) leads to, by policy, budget and backoff delay.</summary>
        private void CheckOutcome(Message message, ProgramSpec spec, string name, InstanceState instance, int? exitCode)
        {
            var jitter = message switch { Message.Exited m => m.Jitter, Message.StartFailed m => m.Jitter, _ => 0.5 };
            var (status, delay) = (exitCode, spec.Restart) switch
            {
                (0, RestartPolicy.Always) => (InstanceStatus.Backoff, spec.RestartDelay),
                (0, _) => (InstanceStatus.Done, TimeSpan.Zero),
                (_, RestartPolicy.Never) => (InstanceStatus.Failed, TimeSpan.Zero),
                _ when !spec.RetriesForever && instance.ConsecutiveFailures > spec.MaxRetries => (InstanceStatus.RetriesExceeded, TimeSpan.Zero),
                _ => (InstanceStatus.Backoff, Backoff.Delay(spec, instance.ConsecutiveFailures, jitter)),
            };
            if (status is InstanceStatus.Backoff && delay == TimeSpan.Zero)
            {
                status = InstanceStatus.Started; // no delay: relaunched in the same reduction
            }

            Check(instance.Status == status || (status is InstanceStatus.Started && IsGated(instance)), $"{name}: {instance.Status} after {StateView.Describe(message)}, expected {status}");
            Check(status is not InstanceStatus.Backoff || instance.NextTryAt == message.At + delay, $"{name}: next try at {instance.NextTryAt}, expected {message.At + delay} (delay {delay})");
            coverage.Backoffs += status is InstanceStatus.Backoff ? 1 : 0;
            coverage.CappedDelays += status is InstanceStatus.Backoff && exitCode != 0 && Backoff.Delay(spec, instance.ConsecutiveFailures, 0.5) >= spec.RestartDelayMax ? 1 : 0;
            coverage.AlwaysRestarts += exitCode == 0 && spec.Restart is RestartPolicy.Always ? 1 : 0;
        }

        /// <summary>Each timer comes from the one message that may set it, and is due exactly when it should be.</summary>
        private void CheckTimer(Message message, Message timer)
        {
            switch (timer)
            {
                case Message.RetryDue t:
                    var waiting = _state.Find(t.Program)?.Instances.FirstOrDefault(i => i.Id == t.InstanceId);
                    Check(message is Message.Exited or Message.StartFailed or Message.StartDeferred, $"RetryDue scheduled on {message.GetType().Name}");
                    Check(waiting is { Status: InstanceStatus.Backoff } && waiting.CurrentTry == t.Try && waiting.NextTryAt == t.At, $"RetryDue {t.Program}#{t.InstanceId} try {t.Try} does not match the instance's backoff");
                    break;
                case Message.UptimeReached t:
                    var owner = RunOwner(_state, t.RunId);
                    Check(message is Message.Started s && s.RunId == t.RunId, $"UptimeReached for run {t.RunId} scheduled on {StateView.Describe(message)}");
                    Check(owner is { Program.Spec.MinUptime: var uptime } && uptime > TimeSpan.Zero && t.At == message.At + uptime, $"UptimeReached for run {t.RunId} due at the wrong time");
                    break;
                case Message.ProbeDue t:
                    var probed = RunOwner(_state, t.RunId);
                    var probe = t.Kind is KrustPm.Engine.Health.ProbeKind.Readiness ? probed?.Program.Spec.Readiness : probed?.Program.Spec.Liveness;
                    var delay = message switch
                    {
                        Message.Started started when started.RunId == t.RunId => probe?.InitialDelay,
                        Message.ProbeResult r when r.RunId == t.RunId && r.Kind == t.Kind => probe?.Period,
                        _ => null,
                    };
                    Check(probed is { Instance.Status: InstanceStatus.Running } && delay is { } d && t.At == message.At + d, $"{StateView.Describe(t)} scheduled on {StateView.Describe(message)}");
                    break;
                case Message.StopTimeoutElapsed t:
                    var stopped = RunOwner(_state, t.RunId);
                    Check(stopped is { Instance.StopRequested: true } && t.At == message.At + stopped.Value.Program.Spec.StopTimeout, $"StopTimeoutElapsed for run {t.RunId} is not its stop timeout");
                    break;
                default:
                    Check(false, $"unexpected timer {StateView.Describe(timer)}");
                    break;
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>The instance a rolling restart moved on to (and restarted) during a message: its next turn, if it came.</summary>
        private IEnumerable<long> RollingReached(EngineState before, Message message, string program)
        {
            if (message is not (Message.Started or Message.UptimeReached or Message.ProbeResult or Message.ReadyLineSeen)
                || before.Find(program)?.Rolling is not { } was || _state.Find(program)?.Rolling is not { } now || now.Current == was.Current)
            {
                return [];
            }

            return [now.Current];
        }

        private static bool IsGated(InstanceState instance) => instance.Status is InstanceStatus.Waiting or InstanceStatus.Blocked;

        /// <summary>Whether a probe timer (or result) is about a running run whose probe of that kind is (or is not) in flight.</summary>
        private static bool ProbeApplies(EngineState before, long run, KrustPm.Engine.Health.ProbeKind kind, bool inFlight)
        {
            if (before.ShuttingDown || RunOwner(before, run) is not { Instance.Status: InstanceStatus.Running } owner)
            {
                return false;
            }

            var flag = kind is KrustPm.Engine.Health.ProbeKind.Readiness ? KrustPm.Engine.Health.ProbeKinds.Readiness : KrustPm.Engine.Health.ProbeKinds.Liveness;
            var configured = (kind is KrustPm.Engine.Health.ProbeKind.Readiness ? owner.Program.Spec.Readiness : owner.Program.Spec.Liveness) is not null;
            return configured && owner.Instance.ProbesInFlight.HasFlag(flag) == inFlight;
        }

        private static InstanceState? Previous(EngineState state, string program, long id) =>
            state.Find(program) is { } p ? p.Instances.Concat(p.Retiring).FirstOrDefault(i => i.Id == id) : null;
    }
}
