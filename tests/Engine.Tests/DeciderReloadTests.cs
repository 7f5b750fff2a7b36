using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="Message.Reload"/>: a new configuration applied without touching what did not change. One test per row
/// of the plan, and the reloads that come in the middle of something (a backoff, a rolling restart, a shutdown).
/// </summary>
public sealed class DeciderReloadTests
{
    private static readonly ProgramSpec Web = Spec("web", instances: 1, restartDelayMs: 100, maxInstances: 10);
    private static readonly ProgramSpec Worker = Spec("worker", instances: 2, restartDelayMs: 100, maxInstances: 10);

    [Fact]
    public void An_unchanged_program_is_untouched_same_runs_same_counters_no_effect()
    {
        var before = Running(Web, Worker);

        var reload = Decider.Decide(before, Reload(Spec("web", instances: 1, restartDelayMs: 100, maxInstances: 10), Worker));

        var plan = Assert.IsType<EngineEvent.ConfigReloaded>(Assert.Single(reload.Events, e => e is EngineEvent.ConfigReloaded)).Plan;
        Assert.All(plan.Programs, p => Assert.Equal(ReloadAction.Unchanged, p.Action));
        Assert.Equal([typeof(EngineEvent.ConfigReloaded), typeof(EngineEvent.Answered)], reload.Events.Select(e => e.GetType()));
        Assert.Equal(Runs(before), Runs(reload.State));
        Assert.Equal("0 added, 0 removed, 0 restarted, 0 changed in place, 2 unchanged", Answer(reload).Plan!.Summary());
    }

    [Fact]
    public void A_new_program_starts_and_waits_for_a_dependency_that_is_not_ready()
    {
        var db = Spec("db", instances: 1) with { Readiness = Probe() };
        var before = Running(Web, db);
        var api = Spec("api", instances: 2).DependingOn(("db", DependencyCondition.Healthy));

        var reload = Decider.Decide(before, Reload(Web, db, api));

        Assert.Equal(ReloadAction.Added, Answer(reload).Plan!.Programs.Single(p => p.Program == "api").Action);
        Assert.All(reload.State.Find("api")!.Instances, i => Assert.Equal(InstanceStatus.Waiting, i.Status));
        Assert.Equal(["web", "db", "api"], reload.State.Programs.Select(p => p.Name));
    }

    [Fact]
    public void A_dropped_program_is_stopped_after_the_dropped_programs_depending_on_it_then_removed()
    {
        var cache = Spec("cache", instances: 1);
        var front = Spec("front", instances: 1).DependingOn(("cache", DependencyCondition.Started));
        var before = Running(Web, cache, front);

        var reload = Decider.Decide(before, Reload(Web));

        var stops = reload.Events.OfType<EngineEvent.StopRequested>().ToList();
        Assert.Equal([("front", StopReason.Unloaded)], stops.Select(s => (s.Program, s.Reason)));
        Assert.True(reload.State.Find("cache")!.Removing);

        var frontExited = Decider.Decide(reload.State, Exited(RunOf(before, "front", 0), 143, at: 20));
        Assert.Contains(frontExited.Events, e => e is EngineEvent.ProgramRemoved { Program: "front" });
        Assert.Contains(frontExited.Events, e => e is EngineEvent.StopRequested { Program: "cache", Reason: StopReason.Unloaded });

        var cacheExited = Decider.Decide(frontExited.State, Exited(RunOf(before, "cache", 0), 143, at: 21));
        Assert.Equal(["web"], cacheExited.State.Programs.Select(p => p.Name));
        Assert.Equal(Runs(before)["web.0"], Runs(cacheExited.State)["web.0"]);
    }

    [Fact]
    public void A_changed_command_restarts_a_single_instance_with_the_new_settings()
    {
        var before = Running(Web);
        var changed = Web with { Command = "/bin/web --fast", Argv = ["/bin/web", "--fast"] };

        var reload = Decider.Decide(before, Reload(changed));
        var entry = Answer(reload).Plan!.Programs.Single();
        Assert.Equal(ReloadAction.Restarted, entry.Action);
        Assert.Equal(["command"], entry.Changed);
        Assert.Contains(reload.Events, e => e is EngineEvent.StopRequested { Reason: StopReason.Reload });

        var relaunched = Decider.Decide(reload.State, Exited(RunOf(before, "web", 0), 143, at: 20));

        var launch = Assert.Single(relaunched.Effects.OfType<Effect.Launch>());
        Assert.Equal(["/bin/web", "--fast"], launch.Request.Program.Argv);
        Assert.Equal(InstanceStatus.Started, relaunched.State.Find("web")!.Instances[0].Status);
    }

    [Fact]
    public void A_program_of_several_instances_is_restarted_one_at_a_time()
    {
        var before = Running(Worker with { Instances = 3 });

        var reload = Decider.Decide(before, Reload(Worker with { Instances = 3, Environment = Worker.Environment.Add("MODE", "fast") }));

        Assert.NotNull(reload.State.Find("worker")!.Rolling);
        Assert.Equal(1, reload.State.Find("worker")!.Instances.Count(i => i.Status == InstanceStatus.Stopping));
        Assert.Contains("one instance at a time", string.Join(" ", Answer(reload).Plan!.Programs[0].Details), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_applied_in_place_keep_every_process_and_take_effect_from_now_on()
    {
        var before = Running(Web);

        var reload = Decider.Decide(before, Reload(Web with { MaxRetries = 9, RestartDelay = TimeSpan.FromSeconds(3), StopTimeout = TimeSpan.FromSeconds(1) }));

        var entry = Answer(reload).Plan!.Programs.Single();
        Assert.Equal(ReloadAction.ChangedInPlace, entry.Action);
        Assert.Equal(["max_retries", "restart_delay_ms", "stop_timeout_ms"], entry.Changed);
        Assert.Equal(Runs(before), Runs(reload.State));
        Assert.Equal(9, reload.State.Find("web")!.Spec.MaxRetries);
        Assert.DoesNotContain(reload.Effects, e => e is Effect.SendSignal or Effect.Launch);

        // The new stop timeout is the one a stop uses from now on.
        var stop = Decider.Decide(reload.State, StopInstances("web", null, request: 5, at: 30));
        Assert.Contains(stop.Effects, e => e is Effect.Schedule { Message: Message.StopTimeoutElapsed s } && s.At == At(30) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Instances_changed_in_the_file_scales_and_a_scale_made_at_run_time_is_kept_otherwise()
    {
        var scaled = Decider.Reduce(Running(Worker), Scale("worker", 4, request: 2, at: 5)).State;

        var kept = Decider.Decide(scaled, Reload(Worker with { MaxRetries = 5 }));
        Assert.Equal(4, kept.State.Find("worker")!.Instances.Length);
        Assert.Contains("keeps its 4 instance(s), scaled at run time", string.Join(" ", Answer(kept).Plan!.Programs[0].Details), StringComparison.Ordinal);

        var rescaled = Decider.Decide(scaled, Reload(Worker with { Instances = 3 }));
        Assert.Equal([1L, 2, 3], rescaled.State.Find("worker")!.Instances.Select(i => i.Id)); // the oldest go, as with /ps
        Assert.Contains(rescaled.Events, e => e is EngineEvent.Scaled { From: 4, To: 3 });
    }

    [Fact]
    public void An_instance_stopped_by_a_command_stays_stopped_unless_a_restart_is_needed()
    {
        var stopped = Decider.Reduce(Running(Worker), StopInstances("worker", 1, request: 2, at: 5)).State;
        stopped = Decider.Reduce(stopped, Exited(RunOf(stopped, "worker", 1), 143, at: 6)).State;

        var inPlace = Decider.Decide(stopped, Reload(Worker with { MaxRetries = 5 }));
        Assert.Equal(InstanceStatus.Stopped, inPlace.State.Find("worker")!.Find(1)!.Status);

        var restarted = Decider.Decide(stopped, Reload(Worker with { User = "nobody" }));
        Assert.Equal(InstanceStatus.Started, restarted.State.Find("worker")!.Find(1)!.Status);
    }

    [Fact]
    public void A_reload_during_a_backoff_starts_the_waiting_instance_with_its_new_command_at_once()
    {
        var backoff = Decider.Reduce(Running(Web), Exited(RunOf(Running(Web), "web", 0), 1, at: 5)).State;
        Assert.Equal(InstanceStatus.Backoff, backoff.Find("web")!.Instances[0].Status);

        var reload = Decider.Decide(backoff, Reload(Web with { Argv = ["/bin/web", "--fixed"] }));

        Assert.Equal(["/bin/web", "--fixed"], Assert.Single(reload.Effects.OfType<Effect.Launch>()).Request.Program.Argv);
        Assert.Equal(InstanceStatus.Started, reload.State.Find("web")!.Instances[0].Status);
    }

    [Fact]
    public void A_reload_that_restarts_a_program_in_a_rolling_restart_ends_that_one_and_rolls_itself()
    {
        var rolling = Decider.Reduce(Running(Worker), RestartInstances("worker", null, request: 7, at: 5, rolling: true)).State;

        var reload = Decider.Decide(rolling, Reload(Worker with { Argv = ["/bin/worker", "--v2"] }));

        var answer = reload.Effects.OfType<Effect.Reply>().Single(r => r.RequestId == 7).Result;
        Assert.Equal(CommandFailureKind.Interrupted, answer.Failure!.Kind);
        Assert.Contains("by a reload", answer.Failure.Reason, StringComparison.Ordinal);
        Assert.NotNull(reload.State.Find("worker")!.Rolling);
        Assert.Equal(0, reload.State.Find("worker")!.Rolling!.RequestId);
    }

    [Fact]
    public void A_reload_during_the_shutdown_or_of_a_broken_configuration_is_refused_and_changes_nothing()
    {
        var shutting = Decider.Reduce(Running(Web), Shutdown(request: 3, at: 5)).State;
        var refused = Decider.Decide(shutting, Reload(Web, Worker));
        Assert.Equal(RejectionKind.Conflict, Answer(refused).Rejection);
        Assert.Equal(StateView.Facts(shutting), StateView.Facts(refused.State));

        var running = Running(Web);
        var cycle = Decider.Decide(running, Reload(Web.DependingOn(("web2", DependencyCondition.Started)), Spec("web2").DependingOn(("web", DependencyCondition.Started))));
        Assert.Equal(RejectionKind.Invalid, Answer(cycle).Rejection);
        Assert.Equal(StateView.Facts(running), StateView.Facts(cycle.State));
    }

    [Fact]
    public void Changed_probes_start_new_chains_and_the_old_chains_timers_are_ignored()
    {
        var probed = Web with { Readiness = Probe(periodMs: 1_000) };
        var state = Running(probed);
        var run = RunOf(state, "web", 0);
        var reload = Decider.Decide(state, Reload(probed with { Readiness = Probe(periodMs: 250), Liveness = Probe() }));

        Assert.Equal(ReloadAction.ChangedInPlace, Answer(reload).Plan!.Programs[0].Action);
        var instance = reload.State.Find("web")!.Instances[0];
        Assert.Equal((1, false), (instance.ProbeEpoch, instance.Ready));
        var timers = reload.Effects.OfType<Effect.Schedule>().Select(s => s.Message).OfType<Message.ProbeDue>().ToList();
        Assert.Equal([(ProbeKind.Readiness, 1), (ProbeKind.Liveness, 1)], timers.Select(p => (p.Kind, p.Epoch)));

        // A timer of the old chain (epoch 0) starts nothing.
        Assert.Empty(Decider.Decide(reload.State, ProbeDue(run, ProbeKind.Readiness, at: 1_000)).Effects);
        Assert.Single(Decider.Decide(reload.State, timers[0]).Effects.OfType<Effect.RunProbe>());
    }

    [Fact]
    public void A_reloaded_state_is_what_loading_the_new_configuration_gives_once_everything_settled()
    {
        var before = Running(Web, Worker, Spec("old", instances: 1));
        var target = new[] { Spec("new", instances: 2), Worker with { Argv = ["/bin/worker", "--v2"] }, Web with { MaxRetries = 7 } };

        var state = Decider.Decide(before, Reload(target)).State;
        state = Settle(state);

        Assert.Equal(target.Select(p => p.Name), state.Programs.Select(p => p.Name));
        Assert.All(target, spec => Assert.True(ProgramSpecs.SameSettings(spec, state.Find(spec.Name)!.Spec)));
        Assert.All(target, spec => Assert.Equal(spec.Instances, state.Find(spec.Name)!.Instances.Length));
        Assert.Equal(Runs(before)["web.0"], Runs(state)["web.0"]);
        Assert.All(state.Programs.SelectMany(p => p.Instances), i => Assert.Equal(InstanceStatus.Running, i.Status));
    }

    /// <summary>Every stopping run exits, every launched run starts and becomes stable, until nothing moves.</summary>
    private static EngineState Settle(EngineState state)
    {
        for (var round = 0; round < 20; round++)
        {
            var moved = false;
            foreach (var instance in state.Programs.SelectMany(p => p.Instances.Concat(p.Retiring)).ToList())
            {
                var message = instance switch
                {
                    { Status: InstanceStatus.Stopping, RunId: { } run } => (Message)Exited(run, 143, at: 100 + round),
                    { Status: InstanceStatus.Started, RunId: { } run } => Started(run, at: 100 + round),
                    { Status: InstanceStatus.Running, RunId: { } run } when state.Programs.Any(p => p.Rolling is not null) => UptimeReached(run, at: 2_000 + round),
                    _ => null,
                };
                if (message is not null)
                {
                    state = Decider.Reduce(state, message).State;
                    moved = true;
                }
            }

            if (!moved)
            {
                return state;
            }
        }

        throw new InvalidOperationException("The state never settled.");
    }

    private static EngineState Running(params ProgramSpec[] specs)
    {
        var state = Decider.Reduce(EngineState.Empty, Load(specs)).State;
        foreach (var run in state.Programs.SelectMany(p => p.Instances).Where(i => i.IsLive).Select(i => i.RunId!.Value).ToList())
        {
            state = Decider.Reduce(state, Started(run)).State;
        }

        return state;
    }

    private static Dictionary<string, long?> Runs(EngineState state) =>
        state.Programs.SelectMany(p => p.Instances.Select(i => ($"{p.Name}.{i.Id}", i.RunId))).ToDictionary(x => x.Item1, x => x.RunId);

    private static long RunOf(EngineState state, string program, long instance) => state.Find(program)!.Find(instance)!.RunId!.Value;

    private static CommandResult Answer(Decision decision) => decision.Effects.OfType<Effect.Reply>().Last().Result;

    private static Message.Reload Reload(params ProgramSpec[] specs) => new([.. specs], RequestId: 99, At(10));
}
