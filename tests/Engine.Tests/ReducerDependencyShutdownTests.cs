using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Shutdown in reverse dependency order: a program is stopped only once no program that depends on it has a live
/// run, each with its own stop signal and timeout; programs without dependencies stop at once, as before.
/// </summary>
public class ReducerDependencyShutdownTests
{
    // web depends on api depends on db; worker depends on nothing and nothing depends on it.
    private static readonly ProgramSpec Db = Spec("db", stopSignal: Signals.Interrupt, stopTimeoutMs: 30_000);
    private static readonly ProgramSpec Api = Spec("api", instances: 2, stopSignal: Signals.Terminate, stopTimeoutMs: 10_000)
        .DependingOn(("db", DependencyCondition.Started));
    private static readonly ProgramSpec Web = Spec("web", stopSignal: Signals.Hangup, stopTimeoutMs: 2_000)
        .DependingOn(("api", DependencyCondition.Started));
    private static readonly ProgramSpec Worker = Spec("worker");

    /// <summary>Everything running: db run 1, worker run 2, api runs 3 and 4, web run 5.</summary>
    private static Scenario Running() => Scenario.Given(
        Load(Db, Api, Web, Worker), Started(1, at: 10), Started(2, at: 10), Started(3, at: 20), Started(4, at: 20), Started(5, at: 30));

    [Fact]
    public void Shutdown_stops_dependents_first_and_each_dependency_once_its_dependents_have_exited()
    {
        var running = Running();
        Assert.All(running.State.Programs.SelectMany(p => p.Instances), i => Assert.Equal(InstanceStatus.Running, i.Status));

        var stopping = running.When(Shutdown(request: 9, at: 100));
        Assert.Equal<Effect>(
            [.. StopEffects(5, 100, Signals.Hangup, 2_000), .. StopEffects(2, 100)],
            stopping.Effects);
        Assert.Equal(
            [InstanceStatus.Running, InstanceStatus.Running, InstanceStatus.Running, InstanceStatus.Stopping, InstanceStatus.Stopping],
            stopping.State.Programs.SelectMany(p => p.Instances).Select(i => i.Status));

        var webExited = stopping.When(Exited(5, 128 + Signals.Hangup, at: 150));
        Assert.Equal<Effect>([.. StopEffects(3, 150, Signals.Terminate, 10_000), .. StopEffects(4, 150, Signals.Terminate, 10_000)], webExited.Effects);

        // db waits for both api instances.
        var oneApi = webExited.When(Exited(3, 143, at: 200), Exited(2, 143, at: 210));
        Assert.Empty(oneApi.Effects);
        Assert.Equal(InstanceStatus.Running, oneApi.Instance(0, "db").Status);

        var apiExited = oneApi.When(Exited(4, 143, at: 300));
        Assert.Equal<Effect>(StopEffects(1, 300, Signals.Interrupt, 30_000), apiExited.Effects);

        var then = apiExited.When(Exited(1, 128 + Signals.Interrupt, at: 400));
        Assert.Equal<Effect>([Ok(9, 0)], then.Effects);
        Assert.All(then.State.Programs.SelectMany(p => p.Instances), i => Assert.Equal(InstanceStatus.Stopped, i.Status));
        Assert.False(then.State.HasLiveRuns);
    }

    [Fact]
    public void A_dependent_killed_at_its_stop_timeout_releases_its_dependency_when_it_exits()
    {
        var stopping = Running().When(Shutdown(request: 9, at: 100));

        var killed = stopping.When(StopTimeout(5, at: 2_100));
        Assert.Equal<Effect>([new Effect.SendSignal(5, Signals.Kill)], killed.Effects);
        Assert.Equal(InstanceStatus.Running, killed.Instance(0, "api").Status);

        // A timer for a run that is held back does nothing: it was never asked to stop.
        Assert.Empty(killed.When(StopTimeout(3, at: 2_100)).Effects);

        var then = killed.When(Exited(5, 137, at: 2_101));
        Assert.Equal<Effect>([.. StopEffects(3, 2_101, Signals.Terminate, 10_000), .. StopEffects(4, 2_101, Signals.Terminate, 10_000)], then.Effects);
    }

    [Fact]
    public void A_held_run_that_exits_on_its_own_during_shutdown_is_stopped_not_restarted()
    {
        var stopping = Running().When(Shutdown(request: 9, at: 100));

        var then = stopping.When(Exited(1, 1, at: 120));

        Assert.Empty(then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0, "db").Status);
    }

    [Fact]
    public void Shutdown_stops_waiting_and_blocked_instances_at_once_and_starts_nothing()
    {
        var migrate = Spec("migrate", restart: RestartPolicy.Never);
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));
        var api = Spec("api").DependingOn(("migrate", DependencyCondition.CompletedSuccessfully));
        var given = Scenario.Given(Load(Spec("db"), migrate, web, api), Exited(2, 1, at: 10));
        Assert.Equal((InstanceStatus.Waiting, InstanceStatus.Blocked), (given.Instance(0).Status, given.Instance(0, "api").Status));

        var stopping = given.When(Shutdown(request: 9, at: 100));
        Assert.Equal<Effect>(StopEffects(1, 100), stopping.Effects);
        Assert.Equal((InstanceStatus.Stopped, InstanceStatus.Stopped), (stopping.Instance(0).Status, stopping.Instance(0, "api").Status));
        Assert.Empty(stopping.Instance(0).WaitingFor);

        // The dependency starting and exiting launches nothing any more.
        var then = stopping.When(Started(1, at: 110), Exited(1, 143, at: 120));
        Assert.Equal<Effect>([Ok(9, 0)], then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0).Status);
    }

    [Fact]
    public void A_dependent_still_launching_holds_its_dependency_back_until_its_run_ends()
    {
        var db = Spec("db");
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));
        var launching = Scenario.Given(Load(db, web), Started(1, at: 10)); // web is run 2, not started yet

        var stopping = launching.When(Shutdown(request: 9, at: 100));
        Assert.Equal<Effect>(StopEffects(2, 100), stopping.Effects);

        var then = stopping.When(StartFailed(2, "No such file or directory", at: 110));
        Assert.Equal<Effect>(StopEffects(1, 110), then.Effects);
    }

    [Fact]
    public void A_retiring_dependent_holds_its_dependency_back_too()
    {
        var db = Spec("db");
        var web = Spec("web", instances: 2).DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 20), Started(3, at: 20), Scale("web", 1, request: 2, at: 50));
        Assert.Single(given.Program().Retiring);

        var stopping = given.When(Shutdown(request: 9, at: 100), Exited(3, 143, at: 110));
        Assert.Empty(stopping.Effects);

        var then = stopping.When(Exited(2, 143, at: 120));
        Assert.Equal<Effect>([Ok(2, 1), .. StopEffects(1, 120)], then.Effects);
    }
}
