using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// What the decider says happened: the events of a message, in the users' vocabulary, and the state as their fold.
/// </summary>
public sealed class DeciderEventsTests
{
    private static readonly EngineState Running = StartAll(Decider.Reduce(EngineState.Empty, Load(Spec("web", instances: 3, restartDelayMs: 100))).State);

    [Fact]
    public void A_load_says_the_program_is_loaded_and_each_instance_added_and_launched_then_answers()
    {
        var decision = Decider.Decide(EngineState.Empty, Load(Spec("web", instances: 2)));

        Assert.Equal(
            ["ProgramLoaded web", "InstanceAdded web.0", "InstanceLaunched web.0", "InstanceAdded web.1", "InstanceLaunched web.1", "Answered"],
            decision.Events.Select(Describe));
        Assert.Equal(decision.Events.Length, decision.State.LastEventId);
    }

    [Fact]
    public void An_exit_says_the_code_the_try_the_failures_and_when_the_next_try_is_due()
    {
        var decision = Decider.Decide(Running, Exited(run: 2, code: 1, at: 10));

        var exited = Assert.IsType<EngineEvent.InstanceExited>(Assert.Single(decision.Events));
        Assert.Equal(("web", 1L, 2L, 1, 1, ExitOutcome.Retrying, 1), (exited.Program, exited.Instance, exited.RunId, exited.Try, exited.ExitCode, exited.Outcome, exited.Failures));
        Assert.Equal(decision.State.Find("web")!.Find(1)!.NextTryAt, exited.NextTryAt);
    }

    [Fact]
    public void A_scale_down_says_scaled_then_stops_and_removes_the_oldest_and_answers_once_they_have_exited()
    {
        var scaled = Decider.Decide(Running, Scale("web", 1, request: 9, at: 10));

        Assert.Equal(
            ["Scaled web", "StopRequested web.0", "InstanceRemoved web.0", "StopRequested web.1", "InstanceRemoved web.1", "AnswerDeferred"],
            scaled.Events.Select(Describe));
        var first = Decider.Decide(scaled.State, Exited(run: 1, code: 143, at: 11));
        Assert.Equal(ExitOutcome.Removed, Assert.IsType<EngineEvent.InstanceExited>(Assert.Single(first.Events)).Outcome);
        var second = Decider.Decide(first.State, Exited(run: 2, code: 143, at: 12));
        Assert.Equal(["InstanceExited web.1", "Answered"], second.Events.Select(Describe));
    }

    [Fact]
    public void A_stale_timer_leads_to_no_event()
    {
        var decision = Decider.Decide(Running, StopTimeout(run: 2, at: 10));

        Assert.Empty(decision.Events);
        Assert.Equal(Running.Version + 1, decision.State.Version);
    }

    [Fact]
    public void The_state_is_the_fold_of_the_events_and_the_effects_follow_from_them()
    {
        var state = Running;
        foreach (var message in new Message[] { Exited(run: 1, code: 1, at: 10), Scale("web", 5, request: 9, at: 11), StopInstances("web", null, request: 10, at: 12) })
        {
            var decision = Decider.Decide(state, message);

            var (folded, effects) = (state, new List<Effect>());
            foreach (var @event in decision.Events)
            {
                effects.AddRange(Decider.EffectsOf(folded, @event));
                folded = Decider.Evolve(folded, @event);
            }

            Assert.Equal(StateView.Facts(decision.State), StateView.Facts(folded));
            Assert.Equal(decision.Effects, effects);
            state = decision.State;
        }
    }

    private static string Describe(EngineEvent e) => e switch
    {
        EngineEvent.InstanceEvent i => $"{e.GetType().Name} {i.Program}.{i.Instance}",
        EngineEvent.ProgramLoaded p => $"ProgramLoaded {p.Spec.Name}",
        EngineEvent.Scaled s => $"Scaled {s.Program}",
        _ => e.GetType().Name,
    };

    private static EngineState StartAll(EngineState state)
    {
        foreach (var run in state.Programs[0].Instances.Select(i => i.RunId!.Value).ToList())
        {
            state = Decider.Reduce(state, Started(run)).State;
        }

        return state;
    }
}
