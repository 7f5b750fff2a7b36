using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Bogus;

namespace KrustPm.Engine.Tests;

public partial class ReducerPropertyTests
{
    /// <summary>One generated sequence: a small model of what the engine was told, checked against its state.</summary>
    private sealed partial class Walk(int seed, Coverage coverage)
    {
        private const int Steps = 60;
        private static readonly int[] ExitCodes = [0, 1, 137];
        private static readonly RestartPolicy[] Policies = [RestartPolicy.OnFailure, RestartPolicy.Always, RestartPolicy.Never];
        private static readonly int[] MinUptimesMs = [0, 150, 1_000];
        private static readonly int[] RestartDelayMaxesMs = [150, 30_000];

        private readonly Randomizer _random = new(seed);
        private readonly List<string> _history = [];
        private readonly List<long> _launched = []; // every run ever launched, live or ended
        private readonly List<Message> _scheduled = [];
        private readonly HashSet<Message> _delivered = [];
        private readonly Dictionary<string, int> _expectedCount = [];
        private readonly Dictionary<string, HashSet<long>> _removed = [];
        private readonly Dictionary<long, CommandResult?> _awaitingReply = [];
        private readonly HashSet<long> _replied = [];
        private EngineState _state = EngineState.Empty;
        private DateTimeOffset _now = Given.Epoch;
        private long _nextRequest = 1;
        private bool _shutdown;
        private int _step;

        public void Run()
        {
            var specs = Enumerable.Range(0, _random.Number(1, 3)).Select(NewSpec).ToArray();
            Apply(new Message.Load([.. specs], _nextRequest++, _now));

            for (var i = 0; i < Steps; i++)
            {
                _now += TimeSpan.FromMilliseconds(_random.Number(0, 200));
                Apply(NextMessage());
            }

            // Every run ends cleanly, round after round, until every request is answered: a restarted instance starts
            // again at once and a rolling restart moves on to its next instance, so that can take a few rounds. The
            // fresh runs of the last round (and relaunches under Always with no restart delay) are left for the shutdown.
            for (var round = 0; round == 0 || !_state.PendingReplies.IsEmpty || _state.Programs.Any(p => p.Rolling is not null); round++)
            {
                Check(round < 100, $"requests still waiting after {round} rounds of every run exiting");

                // An instance waiting for krust-pm's resources gets them back: its timer falls due (a rolling restart
                // stays on it until then).
                foreach (var (name, waiting) in _state.Programs.SelectMany(p => p.Instances.Where(i => i is { Status: InstanceStatus.Backoff, ResourceWaits: > 0 }).Select(i => (p.Name, i))).ToList())
                {
                    _now = waiting.NextTryAt!.Value > _now ? waiting.NextTryAt.Value : _now;
                    Apply(new Message.RetryDue(name, waiting.Id, waiting.CurrentTry, _now));
                }

                foreach (var run in LiveRuns().ToList())
                {
                    Apply(new Message.Exited(run, 0, _now));
                }

                // A rolling restart whose current instance waits for its dependencies waits as long as they are not met:
                // a stop of that instance is how a user ends it.
                foreach (var held in _state.Programs.Where(p => p.Rolling is { } r && p.Find(r.Current)?.Status is InstanceStatus.Waiting).ToList())
                {
                    Apply(new Message.StopInstances(held.Name, held.Rolling!.Current, _nextRequest++, _now));
                }
            }

            var relaunched = LiveRuns().ToList();
            foreach (var run in relaunched)
            {
                Check(RunOwner(_state, run) is { Retiring: false, Instance.Status: InstanceStatus.Started }, $"run {run} is still live and not a fresh launch after every run exited 0");
            }

            Check(_state.PendingReplies.IsEmpty, $"replies still pending once every awaited run ended: {string.Join(", ", _state.PendingReplies.Select(p => p.RequestId))}");
            var unanswered = _awaitingReply.Keys.Where(r => !_replied.Contains(r)).ToList();
            Check(unanswered.Count == 0, $"requests never answered: {string.Join(", ", unanswered)}");

            var shutdown = _nextRequest++;
            Apply(new Message.Shutdown(shutdown, _now));
            Check(_replied.Contains(shutdown) == (relaunched.Count == 0), $"shutdown answered {_replied.Contains(shutdown)} with {relaunched.Count} runs live");
            foreach (var run in relaunched)
            {
                Apply(new Message.Exited(run, 128 + Signals.Terminate, _now));
            }

            Check(_replied.Contains(shutdown) && !_state.HasLiveRuns, $"the shutdown was not answered once every run had exited");
            CheckJournalFold();
        }

        private ProgramSpec NewSpec(int index) => WithHealth(NewBareSpec(index), index);

        private ProgramSpec NewBareSpec(int index) => new($"p{index}", $"/bin/p{index}", [$"/bin/p{index}"])
        {
            Instances = _random.Number(0, 5),
            MaxRetries = _random.Number(0, 4),
            Restart = _random.ArrayElement(Policies),
            RestartDelay = TimeSpan.FromMilliseconds(_random.Bool() ? 0 : 100),
            RestartDelayMax = TimeSpan.FromMilliseconds(_random.ArrayElement(RestartDelayMaxesMs)),
            MinUptime = TimeSpan.FromMilliseconds(_random.ArrayElement(MinUptimesMs)),
            MaxInstances = 10,
            StopTimeout = TimeSpan.FromSeconds(1),
        };

        private Message NextMessage()
        {
            var roll = _random.Number(0, 99);
            if (_launched.Count > 0 && roll < 50)
            {
                var run = PickRun();
                var jitter = _random.Bool(0.3f) ? 0.5 : _random.Double();
                return (roll % 8) switch
                {
                    0 or 1 or 2 => new Message.Started(run, 1000 + (int)run, _now),
                    3 when RunOwner(_state, run) is { Instance.Pid: null } && _random.Bool(0.3f) =>
                        new Message.StartDeferred(run, $"krust-pm is short of resources for run {run}", _now) { Jitter = jitter },
                    3 => new Message.StartFailed(run, $"cannot start run {run}", _now) { Jitter = jitter },
                    _ => new Message.Exited(run, _random.ArrayElement(ExitCodes), _now) { Jitter = jitter },
                };
            }

            if (roll is >= 50 and < 60 && HasHealth())
            {
                return NextHealthMessage();
            }

            if (_scheduled.Count > 0 && roll < 72)
            {
                // Mostly the next timer not yet delivered; sometimes any timer again (stale on purpose).
                var pending = _scheduled.Where(m => !_delivered.Contains(m)).ToList();
                var timer = pending.Count > 0 && _random.Bool(0.7f) ? pending[0] : _random.ListItem(_scheduled);
                _now = timer.At > _now ? timer.At : _now;
                return timer;
            }

            if (roll < 80)
            {
                var names = _state.Programs.Select(p => p.Name).Append("ghost").ToList();
                return new Message.Scale(_random.ListItem(names), _random.Number(-1, 11), _nextRequest++, _now);
            }

            if (roll < 95)
            {
                return NextControlCommand();
            }

            if (roll < 99)
            {
                return new Message.Load([NewSpec(_random.Number(0, 4))], _nextRequest++, _now);
            }

            coverage.Shutdowns++;
            return new Message.Shutdown(_nextRequest++, _now);
        }

        private long PickRun()
        {
            var live = LiveRuns().ToList();
            return live.Count > 0 && _random.Bool(0.75f) ? _random.ListItem(live) : _random.ListItem(_launched);
        }

        private IEnumerable<long> LiveRuns() =>
            _state.Programs.SelectMany(p => p.Instances.Concat(p.Retiring)).Where(i => i.IsLive).Select(i => i.RunId!.Value);

        private void Apply(Message message)
        {
            _step++;
            _history.Add($"{_step,3}: {StateView.Describe(message)}");
            var before = _state;
            ExpectFromModel(before, message);

            var decision = Decider.Decide(before, message);
            (_state, var effects) = (decision.State, decision.Effects);
            Journal(decision);

            if (message is Message.RetryDue or Message.StopTimeoutElapsed or Message.UptimeReached or Message.ProbeDue && !_delivered.Add(message))
            {
                coverage.StaleTimers++;
            }

            CheckEffects(before, message, effects);
            CheckState(before, message);
        }

        /// <summary>What the model expects of a command, decided before the reducer sees it.</summary>
        private void ExpectFromModel(EngineState before, Message message)
        {
            switch (message)
            {
                case Message.Load m:
                    var duplicate = m.Programs.Any(p => before.Find(p.Name) is not null) || !SoundDependencies(before, m.Programs);
                    _awaitingReply[m.RequestId] = _shutdown || duplicate ? null : CommandResult.Ok(m.Programs.Sum(p => p.Instances));
                    if (!_shutdown && !duplicate)
                    {
                        foreach (var spec in m.Programs)
                        {
                            _expectedCount[spec.Name] = spec.Instances;
                            _removed[spec.Name] = [];
                        }
                    }

                    break;
                case Message.Scale m:
                    var program = before.Find(m.Program);
                    var accepted = program is { Rolling: null } && !_shutdown && m.To >= 0 && m.To <= program.Spec.MaxInstances;
                    _awaitingReply[m.RequestId] = null;
                    if (accepted)
                    {
                        var count = _expectedCount[m.Program];
                        _awaitingReply[m.RequestId] = CommandResult.Ok(Math.Abs(m.To - count));
                        _removed[m.Program].UnionWith(program!.Instances.Take(Math.Max(0, count - m.To)).Select(i => i.Id));
                        _expectedCount[m.Program] = m.To;
                    }

                    break;
                case Message.Shutdown m:
                    ExpectShutdown(before);
                    _shutdown = true;
                    _awaitingReply[m.RequestId] = CommandResult.Ok();
                    break;
                case Message.StopInstances or Message.StartInstances or Message.RestartInstances or Message.RemoveInstance or Message.SignalInstances:
                    ExpectControl(before, message);
                    break;
            }
        }

        private void CheckEffects(EngineState before, Message message, ImmutableArray<Effect> effects)
        {
            var nextRun = before.NextRunId;
            var endedRun = message switch { Message.Exited e => e.RunId, Message.StartFailed f => f.RunId, Message.StartDeferred d => d.RunId, _ => (long?)null };
            var ended = endedRun is { } r0 ? RunOwner(before, r0) : null;
            foreach (var effect in effects)
            {
                CheckHealthEffect(before, message, effect);
                switch (effect)
                {
                    case Effect.Launch { Request: var r }:
                        Check(!_shutdown, $"launch of run {r.RunId} after shutdown");
                        Check(r.RunId == nextRun++, $"launch of run {r.RunId} does not use the next fresh run id");
                        Check(!_removed[r.Program.Name].Contains(r.InstanceId), $"launch of {r.Program.Name}#{r.InstanceId}, which was scaled away");
                        Check(_state.Find(r.Program.Name)!.Instances.Any(i => i.Id == r.InstanceId && i.RunId == r.RunId && i.CurrentTry == r.Try), $"launch of run {r.RunId} (try {r.Try}) not recorded on its instance");
                        Check(message is Message.Load or Message.Scale or Message.RetryDue or Message.Exited or Message.StartFailed or Message.StartDeferred or Message.Started or Message.UptimeReached or Message.StartInstances or Message.RestartInstances or Message.RemoveInstance or Message.ProbeResult or Message.ReadyLineSeen, $"launch of run {r.RunId} on {message.GetType().Name}");
                        var waited = Previous(before, r.Program.Name, r.InstanceId)?.Status is InstanceStatus.Waiting or InstanceStatus.Blocked;
                        var rollingTurn = CheckControlLaunch(before, message, r);

                        // No spin: an ended run relaunches in the same reduction only when there is no delay to wait, or
                        // when it was being restarted; another instance launches only as a rolling restart's next turn.
                        var restarted = ended is { Instance.RestartRequested: true };
                        coverage.RestartRelaunches += restarted ? 1 : 0;
                        Check(endedRun is null || rollingTurn || waited || (ended?.Instance.Id == r.InstanceId && ended?.Program.Name == r.Program.Name && (r.Program.RestartDelay == TimeSpan.Zero || restarted)), $"launch of run {r.RunId} in the same reduction as the end of run {endedRun}, with RestartDelay {r.Program.RestartDelay.TotalMilliseconds}ms");
                        Check(message is not Message.StartDeferred || rollingTurn || waited, $"launch of run {r.RunId} on {StateView.Describe(message)}: a try krust-pm could not make waits");
                        Check(message is not Message.RetryDue d || (d.Program == r.Program.Name && d.InstanceId == r.InstanceId && d.Try == r.Try), $"RetryDue launched run {r.RunId} for {r.Program.Name}#{r.InstanceId} try {r.Try}");
                        _launched.Add(r.RunId);
                        break;
                    case Effect.SendSignal s:
                        Check(FindLive(_state, s.RunId) is not null, $"signal {s.Signal} to run {s.RunId}, which is not live");
                        coverage.Kills += s.Signal == Signals.Kill ? 1 : 0;
                        coverage.SignalsSent += message is Message.SignalInstances ? 1 : 0;
                        break;
                    case Effect.Schedule s:
                        Check(s.Message.At >= message.At, $"timer {StateView.Describe(s.Message)} is due before the message that set it");
                        CheckTimer(message, s.Message);
                        _scheduled.Add(s.Message);
                        break;
                    case Effect.Reply r:
                        Check(_awaitingReply.TryGetValue(r.RequestId, out var expected), $"reply to request {r.RequestId}, which was never made");
                        Check(_replied.Add(r.RequestId), $"second reply to request {r.RequestId}");
                        Check(expected is null ? !r.Result.Accepted : AllowedRollingAnswer(r.RequestId, r.Result, expected), $"reply to request {r.RequestId} is {StateView.Describe(r.Result)}, the model expected {expected?.ToString() ?? "a rejection"}");
                        CheckControlReply(message, r);
                        coverage.Rejections += r.Result.Accepted ? 0 : 1;
                        coverage.DelayedReplies += message is Message.Exited or Message.StartFailed or Message.StartDeferred ? 1 : 0;
                        break;
                }
            }
        }

        /// <summary>The program and instance that own a live run, and whether the instance is retiring.</summary>
        private static (ProgramState Program, InstanceState Instance, bool Retiring)? RunOwner(EngineState state, long run)
        {
            foreach (var program in state.Programs)
            {
                foreach (var instance in program.Instances)
                {
                    if (instance.RunId == run)
                    {
                        return (program, instance, false);
                    }
                }

                foreach (var instance in program.Retiring)
                {
                    if (instance.RunId == run)
                    {
                        return (program, instance, true);
                    }
                }
            }

            return null;
        }

        private static InstanceState? FindLive(EngineState state, long run) => RunOwner(state, run)?.Instance;

        private void Check(bool condition, [InterpolatedStringHandlerArgument("condition")] ref FailureMessage what)
        {
            if (!condition)
            {
                var programs = _state.Programs.Select(p =>
                    $"{p.Name} ({p.Spec.Restart}, MaxRetries {p.Spec.MaxRetries}, RestartDelay {p.Spec.RestartDelay.TotalMilliseconds}ms"
                    + $" up to {p.Spec.RestartDelayMax.TotalMilliseconds}ms, MinUptime {p.Spec.MinUptime.TotalMilliseconds}ms)");
                Assert.Fail(
                    $"Invariant broken with seed {seed} at step {_step}: {what.ToStringAndClear()}\n"
                    + $"Programs: {string.Join(", ", programs)}\nMessages so far:\n{string.Join('\n', _history.TakeLast(25))}");
            }
        }
    }
}
