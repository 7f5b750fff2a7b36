using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary><see cref="ProgramSpec.SuccessExitCodes"/>: which exit codes count as a clean exit (supervisord's <c>exitcodes</c>).</summary>
public class ReducerSuccessExitCodesTests
{
    private static readonly ProgramSpec Web = Spec() with { SuccessExitCodes = [0, 2] };

    [Fact]
    public void Under_on_failure_an_exit_with_a_success_code_is_Done_and_not_a_failure()
    {
        var then = Scenario.Given(Load(Web), Started(1)).When(Exited(1, 2, at: 50));

        Assert.Empty(then.Effects);
        Assert.Equal((InstanceStatus.Done, 0, 2), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures, then.Instance(0).LastExitCode));
    }

    [Fact]
    public void An_exit_code_not_in_the_list_is_a_failure_even_0()
    {
        var web = Spec() with { SuccessExitCodes = [3] };

        var then = Scenario.Given(Load(web), Started(1)).When(Exited(1, 0, at: 50));

        // Retried at once (no restart delay), as a failure: try 2 with one failure counted.
        Assert.Equal((InstanceStatus.Started, 2, 1), (then.Instance(0).Status, then.Instance(0).CurrentTry, then.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void Under_always_a_success_code_restarts_without_counting_a_failure()
    {
        var web = Web with { Restart = RestartPolicy.Always, RestartDelay = TimeSpan.FromMilliseconds(100) };

        var then = Scenario.Given(Load(web), Started(1)).When(Exited(1, 2, at: 50, jitter: 0.999));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 150)], then.Effects);
        Assert.Equal(0, then.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void A_dependency_done_with_a_success_code_counts_as_completed()
    {
        var migrate = Spec("migrate") with { SuccessExitCodes = [0, 2] };
        var web = Spec("web") with
        {
            DependsOn = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(
                StringComparer.Ordinal, [new KeyValuePair<string, Engine.Health.DependencyCondition>("migrate", Engine.Health.DependencyCondition.CompletedSuccessfully)]),
        };

        var then = Scenario.Given(Load(migrate, web), Started(1)).When(Exited(1, 2, at: 50));

        Assert.Equal(InstanceStatus.Started, then.Instance(0, "web").Status);
    }

    [Fact]
    public void IsSuccessExit_is_the_one_rule()
    {
        Assert.True(Spec().IsSuccessExit(0));
        Assert.False(Spec().IsSuccessExit(2));
        Assert.True(Web.IsSuccessExit(2));
    }
}
