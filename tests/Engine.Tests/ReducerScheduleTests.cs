using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <c>cron_restart</c> and <c>schedule</c> with fake time: a program's timer is armed when it is loaded; a tick
/// restarts the running instances (rolling with several) or starts the job's instances, never a second run of one
/// still running, and arms the next tick after now (missed ticks are not replayed); stale timers are ignored.
/// Given.At(0) is 2025-01-01 00:00:00 UTC.
/// </summary>
public class ReducerScheduleTests
{
    private const int Minute = 60_000;

    private static readonly ProgramSpec Job = Spec("job", minUptimeMs: 0, maxRetries: 1) with { Schedule = "*/5 * * * *", TimeZone = "UTC" };

    private static Message.ScheduleDue Tick(string program, int at) => new(program, At(at), At(at));

    [Fact]
    public void A_job_is_not_started_when_loaded_and_its_first_tick_is_armed()
    {
        var loaded = Scenario.Given(Load(Job));

        Assert.Equal((InstanceStatus.Stopped, false), (loaded.Instance(0, "job").Status, loaded.Instance(0, "job").StopIntended));
        Assert.Equal(At(5 * Minute), loaded.Program("job").NextScheduleAt);
        Assert.Contains(new Effect.Schedule(Tick("job", 5 * Minute)), loaded.Effects);
        Assert.DoesNotContain(loaded.Effects, e => e is Effect.Launch);
    }

    [Fact]
    public void A_tick_starts_the_job_and_arms_the_next_and_its_success_rests_Done()
    {
        var ticked = Scenario.Given(Load(Job)).When(Tick("job", 5 * Minute));

        Assert.Equal<Effect>([new Effect.Schedule(Tick("job", 10 * Minute)), Launch(1, Job, 0, 2)], ticked.Effects);
        Assert.Equal(At(10 * Minute), ticked.Program("job").NextScheduleAt);

        var done = ticked.When(Started(1, at: 5 * Minute + 10), Exited(1, 0, at: 5 * Minute + 500));
        Assert.Equal(InstanceStatus.Done, done.Instance(0, "job").Status);
        Assert.Empty(done.Effects);
    }

    [Fact]
    public void A_job_still_running_at_the_next_tick_is_not_started_twice()
    {
        var running = Scenario.Given(Load(Job), Tick("job", 5 * Minute), Started(1, at: 5 * Minute + 10));

        var next = running.When(Tick("job", 10 * Minute));

        Assert.Equal<Effect>([new Effect.Schedule(Tick("job", 15 * Minute))], next.Effects);
        Assert.Equal((InstanceStatus.Running, 1L), (next.Instance(0, "job").Status, next.Instance(0, "job").RunId!.Value));
    }

    [Fact]
    public void Max_retries_applies_within_a_tick_and_the_next_tick_starts_with_a_fresh_streak()
    {
        var job = Job with { RestartDelay = TimeSpan.FromMilliseconds(100), MinUptime = TimeSpan.FromMinutes(1) };
        var failed = Scenario.Given(Load(job), Tick("job", 5 * Minute), Started(1, at: 5 * Minute + 10), Exited(1, 1, at: 5 * Minute + 20));
        Assert.Equal(InstanceStatus.Backoff, failed.Instance(0, "job").Status);
        var retry = Assert.IsType<Effect.Schedule>(Assert.Single(failed.Effects));
        Assert.Equal(RetryDue("job", 0, 3, at: 5 * Minute + 120), retry.Message);

        var exceeded = failed.When(RetryDue("job", 0, 3, at: 5 * Minute + 120), Started(2, at: 5 * Minute + 130), Exited(2, 1, at: 5 * Minute + 140));
        Assert.Equal(InstanceStatus.RetriesExceeded, exceeded.Instance(0, "job").Status);

        var next = exceeded.When(Tick("job", 10 * Minute));
        Assert.Equal(InstanceStatus.Started, next.Instance(0, "job").Status);
        Assert.Equal(0, next.Instance(0, "job").ConsecutiveFailures);
    }

    [Fact]
    public void A_job_stopped_by_a_command_is_not_started_by_ticks_until_a_start_command()
    {
        var stopped = Scenario.Given(Load(Job), Tick("job", 5 * Minute), Started(1, at: 5 * Minute + 10), StopInstances("job", null, 7, at: 6 * Minute), Exited(1, 143, at: 6 * Minute + 10));

        var tick = stopped.When(Tick("job", 10 * Minute));

        Assert.DoesNotContain(tick.Effects, e => e is Effect.Launch);
        Assert.Equal(InstanceStatus.Stopped, tick.Instance(0, "job").Status);
    }

    [Fact]
    public void A_tick_handled_late_arms_the_next_after_now_so_missed_ticks_are_not_replayed()
    {
        var late = Scenario.Given(Load(Job)).When(new Message.ScheduleDue("job", At(5 * Minute), At(17 * Minute)));

        Assert.Equal(At(20 * Minute), late.Program("job").NextScheduleAt);
    }

    [Fact]
    public void A_restored_job_is_not_run_until_its_next_tick_and_its_timer_is_armed_again()
    {
        var ran = Scenario.Given(Load(Job), Tick("job", 5 * Minute), Started(1, at: 5 * Minute + 10), Exited(1, 0, at: 5 * Minute + 20));
        var cut = Scenario.Given(Load(Job), Tick("job", 5 * Minute), Started(1, at: 5 * Minute + 10));

        var restored = new Scenario(ran.State, []).When(new Message.Restore([Job], RequestId: 9, At(7 * Minute)));
        var restoredMidRun = new Scenario(cut.State, []).When(new Message.Restore([Job], RequestId: 9, At(7 * Minute)));

        Assert.DoesNotContain(restored.Effects, e => e is Effect.Launch);
        Assert.DoesNotContain(restoredMidRun.Effects, e => e is Effect.Launch);
        Assert.Equal(InstanceStatus.Done, restored.Instance(0, "job").Status);
        Assert.Equal((InstanceStatus.Stopped, false), (restoredMidRun.Instance(0, "job").Status, restoredMidRun.Instance(0, "job").StopIntended));
        Assert.Contains(new Effect.Schedule(Tick("job", 10 * Minute)), restored.Effects);
    }

    [Fact]
    public void A_timer_of_an_older_arming_is_ignored()
    {
        var loaded = Scenario.Given(Load(Job));

        var stale = loaded.When(Tick("job", 3 * Minute));

        Assert.Empty(stale.Effects);
        Scenario.AssertUnchanged(loaded, stale);
    }

    [Fact]
    public void Cron_restart_restarts_one_running_instance_or_rolls_through_several()
    {
        var one = Spec("web") with { CronRestart = "0 3 * * *", TimeZone = "UTC" };
        var single = Scenario.Given(Load(one), Started(1, at: 10));
        Assert.Equal(At(3 * 60 * Minute), single.Program().NextScheduleAt);

        var restarted = single.When(Tick("web", 3 * 60 * Minute));
        Assert.Equal(InstanceStatus.Stopping, restarted.Instance(0).Status);
        Assert.True(restarted.Instance(0).RestartRequested);
        Assert.Equal(At(27 * 60 * Minute), restarted.Program().NextScheduleAt);

        var three = one with { Instances = 3 };
        var rolling = Scenario.Given(Load(three), Started(1, at: 10), Started(2, at: 10), Started(3, at: 10)).When(Tick("web", 3 * 60 * Minute));
        Assert.NotNull(rolling.Program().Rolling);
        Assert.Equal(
            [InstanceStatus.Stopping, InstanceStatus.Running, InstanceStatus.Running],
            rolling.Program().Instances.Select(i => i.Status));
    }

    [Fact]
    public void Cron_restart_leaves_stopped_instances_stopped()
    {
        var web = Spec("web") with { CronRestart = "0 3 * * *", TimeZone = "UTC" };
        var stopped = Scenario.Given(Load(web), Started(1, at: 10), StopInstances("web", null, 7, at: 20), Exited(1, 143, at: 30));

        var tick = stopped.When(Tick("web", 3 * 60 * Minute));

        Assert.DoesNotContain(tick.Effects, e => e is Effect.Launch or Effect.SendSignal);
        Assert.Equal(InstanceStatus.Stopped, tick.Instance(0).Status);
    }

    [Fact]
    public void Six_fields_take_seconds_and_the_time_zone_is_the_programs()
    {
        Assert.Equal(At(30_000), CronSchedule.Next("*/30 * * * * *", "UTC", At(0)));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 2, 0, 0, TimeSpan.Zero), CronSchedule.Next("0 3 * * *", "Europe/Paris", At(0))); // 03:00 CET
    }

    [Theory]
    [InlineData("* * * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, got 7")]
    [InlineData("61 * * * *", "\"61 * * * *\" is not a cron expression")]
    [InlineData("every day", "expected 5 fields")]
    public void A_bad_expression_is_named(string expression, string problem)
    {
        Assert.Contains(problem, CronSchedule.Problem(expression), StringComparison.Ordinal);
    }

    [Fact]
    public void The_spec_refuses_a_bad_expression_an_unknown_zone_and_contradictions()
    {
        Assert.Contains(Spec("web") with { CronRestart = "61 * * * *" } is var a ? a.Validate() : [], p => p.Key == "cron_restart");
        Assert.Contains(Spec("web") with { Schedule = "* * * * *", TimeZone = "Mars/Olympus" } is var b ? b.Validate() : [], p => p.Key == "timezone" && p.Message.Contains("unknown time zone \"Mars/Olympus\"", StringComparison.Ordinal));
        Assert.Contains(Spec("web") with { Schedule = "* * * * *", CronRestart = "* * * * *" } is var c ? c.Validate() : [], p => p.Key == "cron_restart");
        Assert.Contains(Spec("web", restart: RestartPolicy.Always) with { Schedule = "* * * * *" } is var d ? d.Validate() : [], p => p.Key == "schedule");
    }
}
