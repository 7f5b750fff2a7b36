using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// The dependency gate: an instance starts only once its program's dependencies meet their conditions; until then
/// it is Waiting, or Blocked when a condition can no longer be met without a command.
/// </summary>
public class ReducerDependencyTests
{
    [Fact]
    public void Started_waits_until_every_instance_of_the_dependency_is_running()
    {
        var db = Spec("db", instances: 2);
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));

        var loaded = Scenario.Given().When(Load(db, web));

        Assert.Equal<Effect>([Launch(1, db, 0, 1), Launch(2, db, 1, 1), Ok(1, 3)], loaded.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Waiting) { WaitingFor = loaded.Instance(0).WaitingFor },
            loaded.Instance(0));
        Assert.Equal(["db (started)"], loaded.Instance(0).WaitingFor);
        Assert.False(loaded.Instance(0).IsLive);

        var oneRunning = loaded.When(Started(1, at: 10));
        Assert.Equal<Effect>([ScheduleUptime(1, 1_010)], oneRunning.Effects);
        Assert.Equal(InstanceStatus.Waiting, oneRunning.Instance(0).Status);

        var then = oneRunning.When(Started(2, at: 20));
        Assert.Equal<Effect>([ScheduleUptime(2, 1_020), Launch(3, web, 0, 1)], then.Effects);
        Assert.Equal((InstanceStatus.Started, 3L, 1), (then.Instance(0).Status, then.Instance(0).RunId, then.Instance(0).CurrentTry));
        Assert.Empty(then.Instance(0).WaitingFor);
    }

    [Fact]
    public void A_program_may_depend_on_one_listed_after_it()
    {
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));
        var db = Spec("db");

        var loaded = Scenario.Given(Load(web, db));

        Assert.Equal<Effect>([Launch(1, db, 0, 1), Ok(1, 2)], loaded.Effects);
        Assert.Equal((InstanceStatus.Waiting, "db (started)"), (loaded.Instance(0).Status, Assert.Single(loaded.Instance(0).WaitingFor)));
        Assert.Equal<Effect>([ScheduleUptime(1, 1_010), Launch(2, web, 0, 1)], loaded.When(Started(1, at: 10)).Effects);
    }

    [Fact]
    public void Healthy_waits_for_the_readiness_probe_to_pass()
    {
        var db = Spec("db") with { Readiness = Probe(periodMs: 1_000, initialDelayMs: 200) };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy));
        var running = Scenario.Given(Load(db, web)).When(Started(1, at: 10));

        Assert.Equal<Effect>([ScheduleUptime(1, 1_010), ScheduleProbe(1, ProbeKind.Readiness, 210)], running.Effects);
        Assert.Equal((InstanceStatus.Running, false), (running.Instance(0, "db").Status, running.Instance(0, "db").Ready));
        Assert.Equal(InstanceStatus.Waiting, running.Instance(0).Status);

        var probing = running.When(ProbeDue(1, ProbeKind.Readiness, at: 210));
        Assert.Equal<Effect>([RunProbe(1, db, 0, ProbeKind.Readiness)], probing.Effects);

        var notYet = probing.When(Failed(1, ProbeKind.Readiness, at: 220));
        Assert.Equal<Effect>([ScheduleProbe(1, ProbeKind.Readiness, 1_220)], notYet.Effects);
        Assert.Equal(InstanceStatus.Waiting, notYet.Instance(0).Status);

        var then = notYet.When(ProbeDue(1, ProbeKind.Readiness, at: 1_220), Passed(1, ProbeKind.Readiness, at: 1_230));
        Assert.Equal<Effect>([ScheduleProbe(1, ProbeKind.Readiness, 2_230), Launch(2, web, 0, 1)], then.Effects);
        Assert.True(then.Instance(0, "db").Ready);
    }

    [Fact]
    public void Healthy_counts_a_running_instance_as_ready_when_its_program_has_no_readiness_check()
    {
        var db = Spec("db");
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy));

        var then = Scenario.Given(Load(db, web)).When(Started(1, at: 10));

        Assert.Null(then.Instance(0, "db").Ready);
        Assert.Equal<Effect>([ScheduleUptime(1, 1_010), Launch(2, web, 0, 1)], then.Effects);
    }

    [Fact]
    public void Healthy_needs_one_ready_instance_and_healthy_all_needs_every_one()
    {
        var db = Spec("db", instances: 2) with { ReadyLogLine = "accepting connections" };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy));
        var worker = Spec("worker").DependingOn(("db", DependencyCondition.HealthyAll));
        var running = Scenario.Given(Load(db, web, worker), Started(1, at: 10), Started(2, at: 10));

        var one = running.When(ReadyLine(1, "accepting connections on 5432", at: 20));
        Assert.Equal<Effect>([Launch(3, web, 0, 1)], one.Effects);
        Assert.Equal(["db (healthy_all)"], one.Instance(0, "worker").WaitingFor);
        Assert.Equal(new ProbeOutcome(true, "output matched: accepting connections on 5432", At(20)), one.Instance(0, "db").LastReadiness);

        var both = one.When(ReadyLine(2, "accepting connections on 5432", at: 30));
        Assert.Equal<Effect>([Launch(4, worker, 0, 1)], both.Effects);
    }

    [Fact]
    public void Completed_successfully_waits_for_every_instance_to_exit_0()
    {
        var migrate = Spec("migrate", instances: 2);
        var web = Spec("web").DependingOn(("migrate", DependencyCondition.CompletedSuccessfully));
        var given = Scenario.Given(Load(migrate, web), Started(1, at: 10), Started(2, at: 10));

        var one = given.When(Exited(1, 0, at: 500));
        Assert.Empty(one.Effects);
        Assert.Equal(InstanceStatus.Waiting, one.Instance(0).Status);

        var then = one.When(Exited(2, 0, at: 600));
        Assert.Equal<Effect>([Launch(3, web, 0, 1)], then.Effects);
    }

    [Fact]
    public void Completed_successfully_blocks_on_a_failure_and_a_start_of_the_dependency_unblocks()
    {
        var migrate = Spec("migrate", restart: RestartPolicy.Never);
        var web = Spec("web").DependingOn(("migrate", DependencyCondition.CompletedSuccessfully));
        var given = Scenario.Given(Load(migrate, web), Started(1, at: 10));

        var blocked = given.When(Exited(1, 2, at: 500));

        Assert.Empty(blocked.Effects);
        Assert.Equal(
            (InstanceStatus.Blocked, "dependency 'migrate' (completed_successfully) can no longer be met: migrate.0 Failed"),
            (blocked.Instance(0).Status, blocked.Instance(0).LastError));
        Assert.Equal(["migrate (completed_successfully)"], blocked.Instance(0).WaitingFor);
        Assert.False(blocked.Instance(0).IsLive);

        // Blocked is not final: the dependency is started again, so its condition can be met again.
        var waiting = blocked.When(StartInstances("migrate", null, request: 2, at: 1_000));
        Assert.Equal<Effect>([Launch(2, migrate, 0, 2), Ok(2, 1)], waiting.Effects);
        Assert.Equal((InstanceStatus.Waiting, null), (waiting.Instance(0).Status, waiting.Instance(0).LastError));

        var then = waiting.When(Started(2, at: 1_010), Exited(2, 0, at: 1_500));
        Assert.Equal<Effect>([Launch(3, web, 0, 1)], then.Effects);
        Assert.Equal(InstanceStatus.Started, then.Instance(0).Status);
    }

    [Fact]
    public void Completed_is_met_by_a_failure_too()
    {
        var migrate = Spec("migrate", restart: RestartPolicy.Never);
        var web = Spec("web").DependingOn(("migrate", DependencyCondition.Completed));
        var given = Scenario.Given(Load(migrate, web), Started(1, at: 10));

        var then = given.When(Exited(1, 2, at: 500));

        Assert.Equal<Effect>([Launch(2, web, 0, 1)], then.Effects);
    }

    [Fact]
    public void Started_is_blocked_once_the_dependency_runs_out_of_retries_and_recovers_when_it_runs_again()
    {
        var db = Spec("db", maxRetries: 1);
        var web = Spec("web", instances: 2).DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web), Started(1, at: 10), Exited(1, 1, at: 20)); // web started as runs 2 and 3
        Assert.Equal((InstanceStatus.Started, 4L), (given.Instance(0, "db").Status, given.Instance(0, "db").RunId));

        // A dependency that is down does not stop its dependents; but their next tries wait for it.
        var crashed = given.When(Exited(2, 1, at: 30), Exited(3, 1, at: 30));
        Assert.All(crashed.Program().Instances, i => Assert.Equal((InstanceStatus.Waiting, 2), (i.Status, i.CurrentTry)));

        var blocked = crashed.When(Exited(4, 1, at: 50));

        Assert.Equal(InstanceStatus.RetriesExceeded, blocked.Instance(0, "db").Status);
        Assert.All(blocked.Program().Instances, i => Assert.Equal(
            (InstanceStatus.Blocked, 2, "dependency 'db' (started) can no longer be met: db.0 RetriesExceeded"),
            (i.Status, i.CurrentTry, i.LastError)));

        var waiting = blocked.When(StartInstances("db", null, request: 2, at: 100));
        Assert.All(waiting.Program().Instances, i => Assert.Equal((InstanceStatus.Waiting, null), (i.Status, i.LastError)));

        // The try they waited to make: the second, with their failure streak.
        var then = waiting.When(Started(5, at: 110));
        Assert.Equal<Effect>([ScheduleUptime(5, 1_110), Launch(6, web, 0, 2), Launch(7, web, 1, 2)], then.Effects);
        Assert.All(then.Program().Instances, i => Assert.Equal(1, i.ConsecutiveFailures));
    }

    [Fact]
    public void Healthy_is_blocked_only_once_every_instance_of_the_dependency_has_ended()
    {
        var db = Spec("db", instances: 2, restart: RestartPolicy.Never) with { ReadyLogLine = "ready" };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy));
        var given = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 10));

        var oneFailed = given.When(Exited(1, 1, at: 20));
        Assert.Equal((InstanceStatus.Waiting, null), (oneFailed.Instance(0).Status, oneFailed.Instance(0).LastError));

        var then = oneFailed.When(Exited(2, 0, at: 30));
        Assert.Equal(
            (InstanceStatus.Blocked, "dependency 'db' (healthy) can no longer be met: db.0 Failed"),
            (then.Instance(0).Status, then.Instance(0).LastError));
    }

    [Fact]
    public void Healthy_all_is_blocked_by_one_instance_that_has_ended()
    {
        var db = Spec("db", instances: 2, restart: RestartPolicy.Never);
        var web = Spec("web").DependingOn(("db", DependencyCondition.HealthyAll));

        var then = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 10)).When(Exited(2, 0, at: 30));

        // Running before, so web had started; its next launch would be blocked.
        Assert.Equal(InstanceStatus.Started, then.Instance(0).Status);
        var restarted = then.When(StopInstances("web", null, request: 2, at: 40), Exited(3, 143, at: 41), StartInstances("web", null, request: 3, at: 50));
        Assert.Equal(
            (InstanceStatus.Blocked, "dependency 'db' (healthy_all) can no longer be met: db.1 Done"),
            (restarted.Instance(0).Status, restarted.Instance(0).LastError));
        Assert.Equal<Effect>([Ok(3, 1)], restarted.Effects);
    }

    [Fact]
    public void A_dependency_stopped_by_a_command_keeps_its_dependents_waiting_not_blocked()
    {
        var db = Spec("db");
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web), StopInstances("db", null, request: 2, at: 5), Exited(1, 143, at: 6));

        Assert.Equal(InstanceStatus.Stopped, given.Instance(0, "db").Status);
        Assert.Equal((InstanceStatus.Waiting, null), (given.Instance(0).Status, given.Instance(0).LastError));
    }

    [Fact]
    public void A_dependency_with_no_instances_keeps_its_dependents_waiting()
    {
        var db = Spec("db", instances: 0);
        var web = Spec("web").DependingOn(("db", DependencyCondition.Completed));

        var loaded = Scenario.Given(Load(db, web));
        Assert.Equal(InstanceStatus.Waiting, loaded.Instance(0).Status);

        var then = loaded.When(Scale("db", 1, request: 2, at: 10), Started(1, at: 11), Exited(1, 0, at: 20));
        Assert.Equal<Effect>([Launch(2, web, 0, 1)], then.Effects);
    }

    [Fact]
    public void A_blocked_dependency_blocks_its_dependents_and_the_chain_recovers_in_one_pass()
    {
        var db = Spec("db", restart: RestartPolicy.Never);
        var api = Spec("api").DependingOn(("db", DependencyCondition.Started));
        var web = Spec("web").DependingOn(("api", DependencyCondition.Started));
        var blocked = Scenario.Given(Load(web, api, db), Exited(1, 1, at: 20));

        Assert.Equal("dependency 'db' (started) can no longer be met: db.0 Failed", blocked.Instance(0, "api").LastError);
        Assert.Equal(
            (InstanceStatus.Blocked, "dependency 'api' (started) can no longer be met: api.0 Blocked"),
            (blocked.Instance(0).Status, blocked.Instance(0).LastError));

        var then = blocked.When(StartInstances("db", null, request: 2, at: 30));
        Assert.Equal(
            [InstanceStatus.Waiting, InstanceStatus.Waiting, InstanceStatus.Started],
            then.State.Programs.Select(p => p.Instances[0].Status));
    }

    [Fact]
    public void WaitingFor_lists_every_unmet_dependency_by_name()
    {
        var cache = Spec("cache");
        var db = Spec("db") with { Readiness = Probe() };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy), ("cache", DependencyCondition.Started));
        var given = Scenario.Given(Load(web, db, cache));

        Assert.Equal(["cache (started)", "db (healthy)"], given.Instance(0).WaitingFor);

        var then = given.When(Started(2, at: 10), Started(1, at: 10));
        Assert.Equal(["db (healthy)"], then.Instance(0).WaitingFor);
    }

    [Fact]
    public void A_dependency_that_stops_being_healthy_does_not_stop_its_running_dependents()
    {
        var db = Spec("db") with { Readiness = Probe(failureThreshold: 1) };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy));
        var given = Scenario.Given(Load(db, web), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10), Passed(1, ProbeKind.Readiness, at: 20), Started(2, at: 30));

        var then = given.When(ProbeDue(1, ProbeKind.Readiness, at: 1_020), Failed(1, ProbeKind.Readiness, at: 1_030));

        Assert.False(then.Instance(0, "db").Ready);
        Assert.Equal<Effect>([ScheduleProbe(1, ProbeKind.Readiness, 2_030)], then.Effects);
        Assert.Equal(InstanceStatus.Running, then.Instance(0).Status);
    }

    [Fact]
    public void A_retry_goes_through_the_gate_and_keeps_the_try_it_waits_to_make()
    {
        var db = Spec("db", restartDelayMs: 100);
        var web = Spec("web", restartDelayMs: 100).DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 20), Exited(1, 1, at: 30), Exited(2, 1, at: 40));
        Assert.Equal((InstanceStatus.Backoff, 2), (given.Instance(0).Status, given.Instance(0).CurrentTry));

        var waiting = given.When(RetryDue("web", 0, 2, at: 140));
        Assert.Empty(waiting.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Waiting)
            {
                StartedAt = At(20), ExitedAt = At(40), LastExitCode = 1, ConsecutiveFailures = 1, WaitingFor = waiting.Instance(0).WaitingFor,
            },
            waiting.Instance(0));

        var then = waiting.When(RetryDue("db", 0, 2, at: 130), Started(3, at: 150));
        Assert.Equal<Effect>([ScheduleUptime(3, 1_150), Launch(4, web, 0, 2)], then.Effects);
    }

    [Fact]
    public void Start_and_scale_of_a_program_whose_dependencies_are_not_met_answer_Ok_and_wait()
    {
        var db = Spec("db");
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web));

        var scaled = given.When(Scale("web", 3, request: 2, at: 10));
        Assert.Equal<Effect>([Ok(2, 2)], scaled.Effects);
        Assert.All(scaled.Program().Instances, i => Assert.Equal((InstanceStatus.Waiting, 1), (i.Status, i.CurrentTry)));

        var started = scaled.When(StartInstances("web", null, request: 3, at: 20));
        Assert.Equal<Effect>([Ok(3, 3)], started.Effects);
        Assert.All(started.Program().Instances, i => Assert.Equal((InstanceStatus.Waiting, 1), (i.Status, i.CurrentTry)));
        Scenario.AssertUnchanged(scaled, started);
    }

    [Fact]
    public void Stop_remove_and_scale_down_of_waiting_instances_are_immediate()
    {
        var db = Spec("db");
        var web = Spec("web", instances: 3).DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web));

        var stopped = given.When(StopInstances("web", 0, request: 2, at: 10));
        Assert.Equal<Effect>([Ok(2, 1)], stopped.Effects);
        Assert.Equal((InstanceStatus.Stopped, 0), (stopped.Instance(0).Status, stopped.Instance(0).WaitingFor.Length));

        var removed = stopped.When(RemoveInstance("web", 2, request: 3, at: 20));
        Assert.Equal<Effect>([Ok(3, 1)], removed.Effects);

        var scaledDown = removed.When(Scale("web", 1, request: 4, at: 30));
        Assert.Equal<Effect>([Ok(4, 1)], scaledDown.Effects);
        Assert.Equal([1L], scaledDown.Program().Instances.Select(i => i.Id));

        // The stopped instance no longer waits: the dependency running launches only the waiting one.
        var then = stopped.When(Started(1, at: 40));
        Assert.Equal<Effect>([ScheduleUptime(1, 1_040), Launch(2, web, 1, 1), Launch(3, web, 2, 1)], then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0).Status);

        // Started again on purpose, it goes through the gate: met now.
        var restarted = then.When(StartInstances("web", 0, request: 5, at: 50));
        Assert.Equal<Effect>([Launch(4, web, 0, 2), Ok(5, 1)], restarted.Effects);
    }

    [Theory]
    [InlineData("web", "program 'web' depends on 'web': a program cannot depend on itself")]
    [InlineData("nope", "program 'web' depends on 'nope': no program is named 'nope'")]
    public void Load_refuses_a_dependency_on_itself_or_on_no_program(string dependency, string expected)
    {
        var given = Scenario.Given(Load(Spec("db")));

        var then = given.When(Load(request: 2, at: 10, Spec("web").DependingOn((dependency, DependencyCondition.Started))));

        Assert.Equal($"The dependencies cannot be met: {expected}.", then.AssertRejected(2, RejectionKind.Invalid));
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Load_refuses_a_dependency_cycle_and_starts_nothing()
    {
        var a = Spec("a").DependingOn(("b", DependencyCondition.Started));
        var b = Spec("b").DependingOn(("c", DependencyCondition.Healthy));
        var c = Spec("c").DependingOn(("a", DependencyCondition.Completed));

        var then = Scenario.Given().When(Load(a, b, c));

        var reason = then.AssertRejected(1, RejectionKind.Invalid);
        Assert.Equal("The dependencies cannot be met: program 'c' depends on 'a': dependency cycle: a -> b -> c -> a.", reason);
        Assert.Empty(then.State.Programs);
    }

    [Fact]
    public void Load_accepts_a_program_that_depends_on_one_already_loaded()
    {
        var db = Spec("db");
        var given = Scenario.Given(Load(db), Started(1, at: 10));
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));

        var then = given.When(Load(request: 2, at: 20, web));

        Assert.Equal<Effect>([Launch(2, web, 0, 1), Ok(2, 1)], then.Effects);
    }
}
