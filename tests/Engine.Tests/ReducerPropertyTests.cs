using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Bogus;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Thousands of generated message sequences (fixed seeds, so every run is the same) with the engine's invariants
/// checked after every step. A failure names the seed and the step, and lists the messages that led there.
/// </summary>
public class ReducerPropertyTests
{
    private const int FirstSeed = 20_250_101;
    private const int Sequences = 2_000;

    [Fact]
    public void Random_message_sequences_keep_every_invariant()
    {
        var coverage = new Coverage();
        for (var seed = FirstSeed; seed < FirstSeed + Sequences; seed++)
        {
            new Walk(seed, coverage).Run();
        }

        // The generator must actually reach the interesting places, or the invariants prove little.
        Assert.True(coverage.RetriesExceeded > 100, $"RetriesExceeded reached {coverage.RetriesExceeded} times");
        Assert.True(coverage.DelayedReplies > 100, $"delayed scale-down replies: {coverage.DelayedReplies}");
        Assert.True(coverage.StaleTimers > 100, $"stale timers delivered: {coverage.StaleTimers}");
        Assert.True(coverage.Kills > 100, $"SIGKILLs after a stop timeout: {coverage.Kills}");
        Assert.True(coverage.Shutdowns > 100, $"shutdowns in the middle of a sequence: {coverage.Shutdowns}");
        Assert.True(coverage.Rejections > 100, $"rejected commands: {coverage.Rejections}");
    }

    private sealed class Coverage
    {
        public int RetriesExceeded { get; set; }

        public int DelayedReplies { get; set; }

        public int StaleTimers { get; set; }

        public int Kills { get; set; }

        public int Shutdowns { get; set; }

        public int Rejections { get; set; }
    }

    /// <summary>One generated sequence: a small model of what the engine was told, checked against its state.</summary>
    private sealed class Walk(int seed, Coverage coverage)
    {
        private const int Steps = 60;
        private static readonly int[] ExitCodes = [0, 1, 137];

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

            // Every run ends (exit 0 never restarts anything): every pending answer must then have been given.
            foreach (var run in LiveRuns().ToList())
            {
                Apply(new Message.Exited(run, 0, _now));
            }

            Check(!_state.HasLiveRuns, $"runs are still live after all of them exited");
            Check(_state.PendingReplies.IsEmpty, $"replies still pending with no live run: {string.Join(", ", _state.PendingReplies.Select(p => p.RequestId))}");
            var unanswered = _awaitingReply.Keys.Where(r => !_replied.Contains(r)).ToList();
            Check(unanswered.Count == 0, $"requests never answered: {string.Join(", ", unanswered)}");

            var shutdown = _nextRequest++;
            Apply(new Message.Shutdown(shutdown, _now));
            Check(_replied.Contains(shutdown), $"a shutdown with nothing live was not answered at once");
        }

        private ProgramSpec NewSpec(int index) => new($"p{index}", $"/bin/p{index}", [$"/bin/p{index}"])
        {
            Instances = _random.Number(0, 5),
            MaxRetries = _random.Number(0, 4),
            RestartDelay = TimeSpan.FromMilliseconds(_random.Bool() ? 0 : 100),
            MaxInstances = 10,
            StopTimeout = TimeSpan.FromSeconds(1),
        };

        private Message NextMessage()
        {
            var roll = _random.Number(0, 99);
            if (_launched.Count > 0 && roll < 55)
            {
                var run = PickRun();
                return (roll % 8) switch
                {
                    0 or 1 or 2 => new Message.Started(run, 1000 + (int)run, _now),
                    3 => new Message.StartFailed(run, $"cannot start run {run}", _now),
                    _ => new Message.Exited(run, _random.ArrayElement(ExitCodes), _now),
                };
            }

            if (_scheduled.Count > 0 && roll < 80)
            {
                // Mostly the next timer not yet delivered; sometimes any timer again (stale on purpose).
                var pending = _scheduled.Where(m => !_delivered.Contains(m)).ToList();
                var timer = pending.Count > 0 && _random.Bool(0.7f) ? pending[0] : _random.ListItem(_scheduled);
                _now = timer.At > _now ? timer.At : _now;
                return timer;
            }

            if (roll < 96)
            {
                var names = _state.Programs.Select(p => p.Name).Append("ghost").ToList();
                return new Message.Scale(_random.ListItem(names), _random.Number(-1, 11), _nextRequest++, _now);
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

            (_state, var effects) = Reducer.Reduce(before, message);

            if (message is Message.RetryDue or Message.StopTimeoutElapsed && !_delivered.Add(message))
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
                    var duplicate = m.Programs.Any(p => before.Find(p.Name) is not null);
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
                    var accepted = program is not null && !_shutdown && m.To >= 0 && m.To <= program.Spec.MaxInstances;
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
                    _shutdown = true;
                    _awaitingReply[m.RequestId] = CommandResult.Ok();
                    break;
            }
        }

        private void CheckEffects(EngineState before, Message message, ImmutableArray<Effect> effects)
        {
            var nextRun = before.NextRunId;
            foreach (var effect in effects)
            {
                switch (effect)
                {
                    case Effect.Launch { Request: var r }:
                        Check(!_shutdown, $"launch of run {r.RunId} after shutdown");
                        Check(r.RunId == nextRun++, $"launch of run {r.RunId} does not use the next fresh run id");
                        Check(!_removed[r.Program.Name].Contains(r.InstanceId), $"launch of {r.Program.Name}#{r.InstanceId}, which was scaled away");
                        Check(_state.Find(r.Program.Name)!.Instances.Any(i => i.Id == r.InstanceId && i.RunId == r.RunId), $"launch of run {r.RunId} not recorded on its instance");
                        _launched.Add(r.RunId);
                        break;
                    case Effect.SendSignal s:
                        Check(FindLive(_state, s.RunId) is not null, $"signal {s.Signal} to run {s.RunId}, which is not live");
                        coverage.Kills += s.Signal == Signals.Kill ? 1 : 0;
                        break;
                    case Effect.Schedule s:
                        Check(s.Message.At >= message.At, $"timer {StateView.Describe(s.Message)} is due before the message that set it");
                        _scheduled.Add(s.Message);
                        break;
                    case Effect.Reply r:
                        Check(_awaitingReply.TryGetValue(r.RequestId, out var expected), $"reply to request {r.RequestId}, which was never made");
                        Check(_replied.Add(r.RequestId), $"second reply to request {r.RequestId}");
                        Check(expected is null ? !r.Result.Accepted : r.Result == expected, $"reply to request {r.RequestId} is {r.Result}, the model expected {expected?.ToString() ?? "a rejection"}");
                        coverage.Rejections += r.Result.Accepted ? 0 : 1;
                        coverage.DelayedReplies += message is Message.Exited or Message.StartFailed ? 1 : 0;
                        break;
                }
            }
        }

        private void CheckState(EngineState before, Message message)
        {
            Check(_state.Version == _step, $"version {_state.Version} after {_step} messages");
            var runIds = new HashSet<long>();
            foreach (var program in _state.Programs)
            {
                var spec = program.Spec;
                Check(program.Instances.Length == _expectedCount[program.Name], $"{program.Name} has {program.Instances.Length} instances, the last accepted command asked for {_expectedCount[program.Name]}");
                for (var i = 1; i < program.Instances.Length; i++)
                {
                    Check(program.Instances[i - 1].Id < program.Instances[i].Id, $"{program.Name} instance ids are not strictly increasing");
                }

                var ids = new HashSet<long>();
                foreach (var instance in program.Instances.Concat(program.Retiring))
                {
                    Check(ids.Add(instance.Id) && instance.Id < program.NextInstanceId, $"{program.Name}#{instance.Id}: id reused or not below NextInstanceId {program.NextInstanceId}");
                    Check(instance.CurrentTry >= 1 && (spec.RetriesForever || instance.CurrentTry <= spec.MaxRetries + 1), $"{program.Name}#{instance.Id}: CurrentTry {instance.CurrentTry} with MaxRetries {spec.MaxRetries}");
                    Check(instance.RunId is not { } run || (runIds.Add(run) && run < _state.NextRunId), $"{program.Name}#{instance.Id}: run {instance.RunId} is not unique or not below NextRunId {_state.NextRunId}");
                    Check(instance.Status is not InstanceStatus.Running || (instance.Pid is not null && instance.IsLive), $"{program.Name}#{instance.Id}: Running without a pid");
                    Check(instance.Status is not InstanceStatus.Stopping || (instance.IsLive && instance.StopRequested), $"{program.Name}#{instance.Id}: Stopping but not live or not asked to stop");
                    Check(instance.Status is not (InstanceStatus.Done or InstanceStatus.RetriesExceeded or InstanceStatus.Stopped) || !instance.IsLive, $"{program.Name}#{instance.Id}: {instance.Status} but still live");
                    Check(instance.Status is not InstanceStatus.Started || instance.IsLive || instance.NextTryAt is not null, $"{program.Name}#{instance.Id}: Started with neither a run nor a next try");
                    Check(instance.Status is not InstanceStatus.Stopped || _shutdown, $"{program.Name}#{instance.Id}: Stopped without a shutdown");
                    Check(instance.Status is not InstanceStatus.Done || instance.LastExitCode == 0, $"{program.Name}#{instance.Id}: Done with last exit code {instance.LastExitCode}");
                    Check(instance.Status is not InstanceStatus.RetriesExceeded || (!spec.RetriesForever && instance.CurrentTry == spec.MaxRetries + 1), $"{program.Name}#{instance.Id}: RetriesExceeded at try {instance.CurrentTry} with MaxRetries {spec.MaxRetries}");
                    if (Previous(before, program.Name, instance.Id) is not { } previous)
                    {
                        continue;
                    }

                    Check(instance.CurrentTry >= previous.CurrentTry, $"{program.Name}#{instance.Id}: CurrentTry went back from {previous.CurrentTry} to {instance.CurrentTry}");
                    if (instance.Status is InstanceStatus.Done && previous.Status is not InstanceStatus.Done)
                    {
                        Check(message is Message.Exited { ExitCode: 0 } e && e.RunId == previous.RunId, $"{program.Name}#{instance.Id}: became Done without its run exiting 0");
                    }

                    if (instance.Status is InstanceStatus.RetriesExceeded && previous.Status is not InstanceStatus.RetriesExceeded)
                    {
                        coverage.RetriesExceeded++;
                    }
                }

                Check(program.Retiring.All(r => r.IsLive && r.Status is InstanceStatus.Stopping), $"{program.Name}: a retiring instance is not a live, stopping one");
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

        private static InstanceState? Previous(EngineState state, string program, long id) =>
            state.Find(program)?.Instances.FirstOrDefault(i => i.Id == id);

        private static InstanceState? FindLive(EngineState state, long run) =>
            state.Programs.SelectMany(p => p.Instances.Concat(p.Retiring)).FirstOrDefault(i => i.RunId == run);

        private void Check(bool condition, [InterpolatedStringHandlerArgument("condition")] ref FailureMessage what)
        {
            if (!condition)
            {
                var programs = _state.Programs.Select(p => $"{p.Name} (MaxRetries {p.Spec.MaxRetries}, RestartDelay {p.Spec.RestartDelay.TotalMilliseconds}ms)");
                Assert.Fail(
                    $"Invariant broken with seed {seed} at step {_step}: {what.ToStringAndClear()}\n"
                    + $"Programs: {string.Join(", ", programs)}\nMessages so far:\n{string.Join('\n', _history.TakeLast(25))}");
            }
        }
    }

    /// <summary>Builds a failure message only when the check fails (as Debug.Assert does): the checks run millions of times.</summary>
    [InterpolatedStringHandler]
    private ref struct FailureMessage
    {
        private DefaultInterpolatedStringHandler _text;

        public FailureMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
        {
            shouldAppend = !condition;
            _text = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string value) => _text.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

        public string ToStringAndClear() => _text.ToStringAndClear();
    }
}
