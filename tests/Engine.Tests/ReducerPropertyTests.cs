using System.Runtime.CompilerServices;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Thousands of generated message sequences (fixed seeds, so every run is the same) with the engine's invariants
/// checked after every step. A failure names the seed and the step, and lists the messages that led there.
/// The generator is in <c>ReducerPropertyTests.Walk.cs</c>, the invariants in <c>ReducerPropertyTests.Invariants.cs</c>, and
/// the control commands (stop, start, restart, remove, signal: generation, model and invariants) in
/// <c>ReducerPropertyTests.Control.cs</c>, and dependencies and probes (generation, a model of the conditions, the
/// gate, probe and shutdown-order invariants) in <c>ReducerPropertyTests.Health.cs</c>.
/// </summary>
public partial class ReducerPropertyTests
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
        Assert.True(coverage.RetriesExceeded > 100, $"RetriesExceeded reached {coverage.RetriesExceeded} times\n{coverage}");
        Assert.True(coverage.DelayedReplies > 100, $"delayed scale-down replies: {coverage.DelayedReplies}\n{coverage}");
        Assert.True(coverage.StaleTimers > 100, $"stale timers delivered: {coverage.StaleTimers}\n{coverage}");
        Assert.True(coverage.Kills > 100, $"SIGKILLs after a stop timeout: {coverage.Kills}\n{coverage}");
        Assert.True(coverage.Shutdowns > 100, $"shutdowns in the middle of a sequence: {coverage.Shutdowns}\n{coverage}");
        Assert.True(coverage.Rejections > 100, $"rejected commands: {coverage.Rejections}\n{coverage}");
        Assert.True(coverage.Backoffs > 1_000, $"instances that went to Backoff: {coverage.Backoffs}\n{coverage}");
        Assert.True(coverage.CappedDelays > 100, $"backoff delays at RestartDelayMax: {coverage.CappedDelays}\n{coverage}");
        Assert.True(coverage.UptimeResets > 100, $"streaks ended by UptimeReached: {coverage.UptimeResets}\n{coverage}");
        Assert.True(coverage.ExitTimeResets > 100, $"streaks ended at exit by the run's uptime: {coverage.ExitTimeResets}\n{coverage}");
        Assert.True(coverage.StaleUptimes > 100, $"UptimeReached for a run that had ended: {coverage.StaleUptimes}\n{coverage}");
        Assert.True(coverage.AlwaysRestarts > 100, $"clean exits restarted under Always: {coverage.AlwaysRestarts}\n{coverage}");
        Assert.True(coverage.Failed > 100, $"instances Failed under Never: {coverage.Failed}\n{coverage}");
        Assert.True(coverage.StoppedByCommand > 100, $"runs that ended Stopped by a stop command: {coverage.StoppedByCommand}\n{coverage}");
        Assert.True(coverage.StartsFromStopped > 100, $"Stopped instances started again: {coverage.StartsFromStopped}\n{coverage}");
        Assert.True(coverage.RestartRelaunches > 100, $"restarted runs launched again as they ended: {coverage.RestartRelaunches}\n{coverage}");
        Assert.True(coverage.RollingDone > 100, $"rolling restarts answered Ok: {coverage.RollingDone}\n{coverage}");
        Assert.True(coverage.RollingFailures > 100, $"rolling restarts ended by a new run that failed: {coverage.RollingFailures}\n{coverage}");
        Assert.True(coverage.RollingInterruptions > 20, $"rolling restarts ended by a stop or the shutdown: {coverage.RollingInterruptions}\n{coverage}");
        Assert.True(coverage.RollingRefusals > 100, $"commands refused during a rolling restart: {coverage.RollingRefusals}\n{coverage}");
        Assert.True(coverage.AwaitedControlReplies > 100, $"control answers that waited for runs to end: {coverage.AwaitedControlReplies}\n{coverage}");
        Assert.True(coverage.ControlRejections > 100, $"control commands refused: {coverage.ControlRejections}\n{coverage}");
        Assert.True(coverage.SignalsSent > 100, $"signals sent on command: {coverage.SignalsSent}\n{coverage}");
        Assert.True(coverage.Waits > 1_000, $"instances that waited for their dependencies: {coverage.Waits}\n{coverage}");
        Assert.True(coverage.Blocks > 500, $"instances blocked by their dependencies: {coverage.Blocks}\n{coverage}");
        Assert.True(coverage.Unblocks > 100, $"blocked instances that waited or started again: {coverage.Unblocks}\n{coverage}");
        Assert.True(coverage.PassLaunches > 300, $"waiting instances launched once their dependencies were met: {coverage.PassLaunches}\n{coverage}");
        Assert.True(coverage.ProbesRun > 300, $"probes run: {coverage.ProbesRun}\n{coverage}");
        Assert.True(coverage.ReadyTransitions > 100, $"instances that became ready: {coverage.ReadyTransitions}\n{coverage}");
        Assert.True(coverage.LivenessStops > 20, $"runs stopped for failing their liveness probe: {coverage.LivenessStops}\n{coverage}");
        Assert.True(coverage.LivenessFailures > 10, $"liveness stops counted as failed tries: {coverage.LivenessFailures}\n{coverage}");
        Assert.True(coverage.RestartsWith > 30, $"dependents restarted with their dependency: {coverage.RestartsWith}\n{coverage}");
        Assert.True(coverage.JournalRecords > 100_000, $"journal records folded: {coverage.JournalRecords}\n{coverage}");
        Assert.True(coverage.HeldAtShutdown > 50, $"runs held back at shutdown by their dependents: {coverage.HeldAtShutdown}\n{coverage}");
        Assert.True(coverage.ResourceWaits > 100, $"starts deferred for krust-pm's resources: {coverage.ResourceWaits}\n{coverage}");
    }

    private sealed class Coverage
    {
        public long JournalRecords { get; set; }

        public int RetriesExceeded { get; set; }

        public int DelayedReplies { get; set; }

        public int StaleTimers { get; set; }

        public int Kills { get; set; }

        public int Shutdowns { get; set; }

        public int Rejections { get; set; }

        public int Backoffs { get; set; }

        public int CappedDelays { get; set; }

        public int UptimeResets { get; set; }

        public int ExitTimeResets { get; set; }

        public int StaleUptimes { get; set; }

        public int AlwaysRestarts { get; set; }

        public int Failed { get; set; }

        public int StoppedByCommand { get; set; }

        public int StartsFromStopped { get; set; }

        public int RestartRelaunches { get; set; }

        public int RollingDone { get; set; }

        public int RollingRefusals { get; set; }

        public int RollingFailures { get; set; }

        public int RollingInterruptions { get; set; }

        public int AwaitedControlReplies { get; set; }

        public int ControlRejections { get; set; }

        public int SignalsSent { get; set; }

        public int Waits { get; set; }

        public int Blocks { get; set; }

        public int Unblocks { get; set; }

        public int PassLaunches { get; set; }

        public int ProbesRun { get; set; }

        public int ReadyTransitions { get; set; }

        public int LivenessStops { get; set; }

        public int LivenessFailures { get; set; }

        public int RestartsWith { get; set; }

        public int HeldAtShutdown { get; set; }

        public int ResourceWaits { get; set; }

        public override string ToString() =>
            $"RetriesExceeded {RetriesExceeded}, DelayedReplies {DelayedReplies}, StaleTimers {StaleTimers}, Kills {Kills}, "
            + $"Shutdowns {Shutdowns}, Rejections {Rejections}, Backoffs {Backoffs}, CappedDelays {CappedDelays}, "
            + $"UptimeResets {UptimeResets}, ExitTimeResets {ExitTimeResets}, StaleUptimes {StaleUptimes}, "
            + $"AlwaysRestarts {AlwaysRestarts}, Failed {Failed}, StoppedByCommand {StoppedByCommand}, "
            + $"StartsFromStopped {StartsFromStopped}, RestartRelaunches {RestartRelaunches}, RollingDone {RollingDone}, "
            + $"RollingRefusals {RollingRefusals}, RollingFailures {RollingFailures}, RollingInterruptions {RollingInterruptions}, AwaitedControlReplies {AwaitedControlReplies}, "
            + $"ControlRejections {ControlRejections}, SignalsSent {SignalsSent}, Waits {Waits}, Blocks {Blocks}, "
            + $"Unblocks {Unblocks}, PassLaunches {PassLaunches}, ProbesRun {ProbesRun}, ReadyTransitions {ReadyTransitions}, "
            + $"LivenessStops {LivenessStops}, LivenessFailures {LivenessFailures}, RestartsWith {RestartsWith}, "
            + $"HeldAtShutdown {HeldAtShutdown}, ResourceWaits {ResourceWaits}";
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
