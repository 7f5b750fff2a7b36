using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="ExitRule"/> (<c>exit_when</c>): when krust-pm stops by itself and with which code, decided from the
/// engine's state after each message (reducer runs: deterministic, time as the messages' stamps).
/// </summary>
public sealed class ExitRuleTests
{
    private static readonly ProgramSpec Job = Spec("job", instances: 2, restart: RestartPolicy.Never);
    private static readonly ProgramSpec Web = Spec("web", maxRetries: 1, restartDelayMs: 100);

    [Theory]
    [InlineData(ExitWhen.AnyFailed)]
    [InlineData(ExitWhen.AllDone)]
    public void Nothing_is_decided_before_the_programs_are_loaded_or_while_instances_run(ExitWhen rule)
    {
        Assert.Null(ExitRule.Decide(EngineState.Empty, rule));
        Assert.Null(ExitRule.Decide(Scenario.Given(Load(Job, Web), Started(1), Started(2), Started(3)).State, rule));
    }

    [Fact]
    public void Never_decides_nothing_even_when_everything_has_failed()
    {
        var failed = Scenario.Given(Load(Job), Started(1), Started(2), Exited(1, 3, at: 10), Exited(2, 4, at: 10));

        Assert.Null(ExitRule.Decide(failed.State, ExitWhen.Never));
    }

    [Fact]
    public void Any_failed_holds_once_an_instance_failed_for_good_and_ends_with_its_exit_code()
    {
        var running = Scenario.Given(Load(Job, Web), Started(1), Started(2), Started(3));

        var oneDone = running.When(Exited(1, 0, at: 10));
        var oneFailed = oneDone.When(Exited(2, 3, at: 20));

        Assert.Null(ExitRule.Decide(oneDone.State, ExitWhen.AnyFailed));
        Assert.Equal(new ExitDecision(3, "job.1 failed (exit code 3)"), ExitRule.Decide(oneFailed.State, ExitWhen.AnyFailed));
    }

    [Fact]
    public void Any_failed_waits_while_a_failure_will_be_retried_and_holds_when_the_retries_run_out()
    {
        var backoff = Scenario.Given(Load(Web), Started(1)).When(Exited(1, 2, at: 10));
        Assert.Equal(InstanceStatus.Backoff, backoff.Instance(0).Status);
        Assert.Null(ExitRule.Decide(backoff.State, ExitWhen.AnyFailed));

        var exhausted = backoff.When(RetryDue("web", 0, 2, at: 110), Started(2, at: 111), Exited(2, 2, at: 120));

        Assert.Equal(InstanceStatus.RetriesExceeded, exhausted.Instance(0).Status);
        Assert.Equal(new ExitDecision(2, "web.0 ran out of retries (exit code 2)"), ExitRule.Decide(exhausted.State, ExitWhen.AnyFailed));
    }

    [Theory]
    [InlineData(137, 137)] // killed by SIGKILL: 128 + 9
    [InlineData(256, 1)] // not an exit status a process can report: failure all the same
    public void A_failed_instances_code_is_the_exit_code_when_it_is_one(int code, int expected)
    {
        var failed = Scenario.Given(Load(Spec("job", restart: RestartPolicy.Never)), Started(1), Exited(1, code, at: 10));

        Assert.Equal(expected, ExitRule.Decide(failed.State, ExitWhen.AnyFailed)?.ExitCode);
    }

    [Fact]
    public void A_start_failure_is_exit_code_1_with_its_reason()
    {
        var failed = Scenario.Given(Load(Spec("job", restart: RestartPolicy.Never)), StartFailed(1, "no such file: /bin/job", at: 5));

        var decision = ExitRule.Decide(failed.State, ExitWhen.AnyFailed);

        Assert.Equal(1, decision?.ExitCode);
        Assert.Contains("no such file: /bin/job", decision?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void All_done_holds_once_every_instance_has_ended_and_is_0_when_none_failed()
    {
        var running = Scenario.Given(Load(Job), Started(1), Started(2));

        var oneDone = running.When(Exited(1, 0, at: 10));
        var allDone = oneDone.When(Exited(2, 0, at: 20));

        Assert.Null(ExitRule.Decide(oneDone.State, ExitWhen.AllDone));
        Assert.Equal(new ExitDecision(0, "every instance has ended, none failed"), ExitRule.Decide(allDone.State, ExitWhen.AllDone));
    }

    [Fact]
    public void All_done_waits_for_the_other_instances_after_a_failure_and_then_ends_with_the_failures_code()
    {
        var oneFailed = Scenario.Given(Load(Job), Started(1), Started(2), Exited(1, 4, at: 10));
        Assert.Null(ExitRule.Decide(oneFailed.State, ExitWhen.AllDone));

        var allEnded = oneFailed.When(Exited(2, 0, at: 20));

        Assert.Equal(new ExitDecision(4, "every instance has ended; job.0 failed (exit code 4)"), ExitRule.Decide(allEnded.State, ExitWhen.AllDone));
    }

    [Fact]
    public void All_done_never_holds_while_a_program_restarts_its_clean_exits()
    {
        var always = Spec("web", restart: RestartPolicy.Always, restartDelayMs: 100);

        var exited = Scenario.Given(Load(always), Started(1)).When(Exited(1, 0, at: 10));

        Assert.Equal(InstanceStatus.Backoff, exited.Instance(0).Status);
        Assert.Null(ExitRule.Decide(exited.State, ExitWhen.AllDone));
    }

    [Fact]
    public void All_done_counts_an_instance_blocked_by_a_failed_dependency_as_ended_but_not_as_a_success()
    {
        var migrate = Spec("migrate", restart: RestartPolicy.Never);
        var web = Spec("web", restart: RestartPolicy.Never).DependingOn(("migrate", DependencyCondition.CompletedSuccessfully));

        var succeeded = Scenario.Given(Load(migrate, web), Started(1)).When(Exited(1, 0, at: 5));
        var failedDependency = Scenario.Given(Load(migrate, web), Started(1)).When(Exited(1, 6, at: 5));

        Assert.Equal(InstanceStatus.Blocked, failedDependency.Instance(0, "web").Status);
        Assert.Equal(new ExitDecision(6, "every instance has ended; migrate.0 failed (exit code 6)"), ExitRule.Decide(failedDependency.State, ExitWhen.AllDone));
        Assert.Null(ExitRule.Decide(succeeded.State, ExitWhen.AllDone)); // web starts now that migrate succeeded
    }

    [Fact]
    public void Nothing_is_decided_once_a_shutdown_has_begun()
    {
        var failed = Scenario.Given(Load(Job), Started(1), Started(2), Exited(1, 3, at: 10)).When(Shutdown(request: 9, at: 20));

        Assert.Null(ExitRule.Decide(failed.State, ExitWhen.AnyFailed));
    }
}
