using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <c>max_memory</c>: two samples in a row above the limit restart a run, as a restart (not a failure); one below in
/// between starts the count again; with several instances, one is restarted at a time; samples of runs that ended,
/// are stopping, or of programs without a limit change nothing.
/// </summary>
public class ReducerMemoryLimitTests
{
    private const long MiB = 1L << 20;

    private static readonly ProgramSpec Web = Spec("web", minUptimeMs: 60_000) with { MaxMemory = 300 * MiB };

    private static Message.MemorySampled Sample(long run, long bytes, int at) => new(run, bytes, At(at));

    [Fact]
    public void Two_samples_in_a_row_above_the_limit_restart_the_run_without_counting_a_failure()
    {
        var running = Scenario.Given(Load(Web), Started(1, at: 10));

        var once = running.When(Sample(1, 412 * MiB, at: 2_000));
        Assert.Empty(once.Effects);
        Assert.Equal((InstanceStatus.Running, 1), (once.Instance(0).Status, once.Instance(0).MemoryStrikes));

        var twice = once.When(Sample(1, 412 * MiB, at: 4_000));
        Assert.Equal<Effect>(StopEffects(1, 4_000), twice.Effects);
        Assert.Equal((InstanceStatus.Stopping, true, null), (twice.Instance(0).Status, twice.Instance(0).RestartRequested, twice.Instance(0).FailingBecause));
        var stop = Assert.Single(Decider.Decide(once.State, Sample(1, 412 * MiB, at: 4_000)).Events.OfType<EngineEvent.StopRequested>());
        Assert.Equal((StopReason.Memory, "memory 412 MiB above max_memory 300 MiB"), (stop.Reason, stop.Detail));

        // It starts again at once, on the next try, with no failure counted and a fresh count of samples.
        var restarted = twice.When(Exited(1, 143, at: 4_100));
        Assert.Equal<Effect>([Launch(2, Web, 0, 2)], restarted.Effects);
        Assert.Equal((0, 0), (restarted.Instance(0).ConsecutiveFailures, restarted.Instance(0).MemoryStrikes));
    }

    [Fact]
    public void An_exit_whose_cause_the_launcher_knows_an_OOM_kill_at_memory_max_is_a_failure_with_that_cause()
    {
        const string Cause = "killed by the kernel: out of memory, memory_max 256 MiB";
        var running = Scenario.Given(Load(Spec("web", minUptimeMs: 60_000)), Started(1, at: 10));

        var killed = running.When(Exited(1, 137, at: 2_000) with { Cause = Cause });

        var exited = Assert.Single(Decider.Decide(running.State, Exited(1, 137, at: 2_000) with { Cause = Cause }).Events.OfType<EngineEvent.InstanceExited>());
        Assert.Equal((137, Cause, ExitOutcome.Retrying, 1), (exited.ExitCode, exited.Error, exited.Outcome, exited.Failures));
        Assert.Equal((Cause, 1), (killed.Instance(0).LastError, killed.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void A_sample_below_the_limit_in_between_starts_the_count_again()
    {
        var once = Scenario.Given(Load(Web), Started(1, at: 10), Sample(1, 400 * MiB, at: 2_000));

        var under = once.When(Sample(1, 200 * MiB, at: 4_000));
        var over = under.When(Sample(1, 400 * MiB, at: 6_000));

        Assert.Equal(0, under.Instance(0).MemoryStrikes);
        Assert.Empty(over.Effects);
        Assert.Equal((InstanceStatus.Running, 1), (over.Instance(0).Status, over.Instance(0).MemoryStrikes));
    }

    [Fact]
    public void Samples_that_change_nothing_make_no_event()
    {
        var running = Scenario.Given(Load(Web), Started(1, at: 10));

        Assert.Empty(Decider.Decide(running.State, Sample(1, 100 * MiB, at: 2_000)).Events);
        var twice = running.When(Sample(1, 400 * MiB, at: 2_000), Sample(1, 400 * MiB, at: 4_000));
        Assert.Empty(Decider.Decide(twice.State, Sample(1, 400 * MiB, at: 4_500)).Events); // it is stopping already
    }

    [Fact]
    public void With_several_instances_one_is_restarted_at_a_time()
    {
        var two = Web with { Instances = 2 };
        var high = Scenario.Given(Load(two), Started(1, at: 10), Started(2, at: 10), Sample(1, 400 * MiB, at: 2_000), Sample(2, 400 * MiB, at: 2_000));

        var first = high.When(Sample(1, 400 * MiB, at: 4_000));
        var second = first.When(Sample(2, 400 * MiB, at: 4_000));
        Assert.Equal(InstanceStatus.Stopping, second.Instance(0).Status);
        Assert.Equal((InstanceStatus.Running, 2), (second.Instance(1).Status, second.Instance(1).MemoryStrikes)); // waits its turn
        Assert.Empty(second.Effects);

        // Instance 0 is back (a new run, started): instance 1 is restarted at its next sample above the limit.
        var back = second.When(Exited(1, 143, at: 4_100));
        Assert.Empty(back.When(Sample(2, 400 * MiB, at: 5_000)).Effects); // instance 0's new run is not up yet
        var turn = back.When(Started(3, at: 4_200), Sample(2, 400 * MiB, at: 6_000));
        Assert.Equal<Effect>(StopEffects(2, 6_000), turn.Effects);
    }

    [Fact]
    public void Samples_of_an_ended_run_or_a_program_without_a_limit_are_ignored()
    {
        var ended = Scenario.Given(Load(Web), Started(1, at: 10), Exited(1, 1, at: 20));
        var unlimited = Scenario.Given(Load(Spec("web")), Started(1, at: 10));

        Assert.Empty(Decider.Decide(ended.State, Sample(1, 900 * MiB, at: 2_000)).Events);
        Assert.Empty(unlimited.When(Sample(1, 900 * MiB, at: 2_000), Sample(1, 900 * MiB, at: 4_000)).Effects);
        Assert.Equal(0, unlimited.When(Sample(1, 900 * MiB, at: 2_000)).Instance(0).MemoryStrikes);
    }

    [Fact]
    public void The_reason_names_the_memory_and_the_limit_in_MiB()
    {
        Assert.Equal("memory 412 MiB above max_memory 300 MiB", Decider.MemoryText(412 * MiB, 300 * MiB));
        Assert.Equal("memory 9.5 MiB above max_memory 8 MiB", Decider.MemoryText(9_961_472, 8 * MiB));
    }
}
