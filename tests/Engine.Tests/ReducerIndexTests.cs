using System.Text.Json;
using KrustPm.Engine.Journal;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="InstanceState.Index"/>: the smallest index free among the program's instances when one is added, kept
/// for its life, reused after a removal, journaled and restored (journals written before indexes existed too).
/// </summary>
public class ReducerIndexTests
{
    [Fact]
    public void Instances_of_a_program_get_indexes_0_to_n_minus_1()
    {
        var then = Scenario.Given().When(Load(Spec(instances: 3)));

        Assert.Equal([0, 1, 2], then.Program().Instances.Select(i => i.Index));
    }

    [Fact]
    public void A_removed_instance_index_goes_to_the_next_new_instance_and_the_others_keep_theirs()
    {
        var given = Scenario.Given(Load(Spec(instances: 3)), Started(1), Started(2), Started(3));

        var then = given.When(RemoveInstance("web", 1, request: 2, at: 10))
            .When(Exited(2, 143, at: 11))
            .When(Scale("web", 3, request: 3, at: 20));

        Assert.Equal([(0L, 0), (2L, 2), (3L, 1)], then.Program().Instances.Select(i => (i.Id, i.Index)));
    }

    [Fact]
    public void Scale_down_frees_the_oldest_indexes_and_scale_up_takes_them_again_smallest_first()
    {
        var given = Scenario.Given(Load(Spec(instances: 4)), Started(1), Started(2), Started(3), Started(4));

        var then = given.When(Scale("web", 2, request: 2, at: 10)).When(Scale("web", 4, request: 3, at: 20));

        Assert.Equal([(2L, 2), (3L, 3), (4L, 0), (5L, 1)], then.Program().Instances.Select(i => (i.Id, i.Index)));
    }

    [Fact]
    public void The_index_is_decided_in_the_event_so_the_journal_folds_back_to_it()
    {
        var decided = Decider.Decide(EngineState.Empty, Load(Spec(instances: 2)));

        Assert.Equal([0, 1], decided.Events.OfType<EngineEvent.InstanceAdded>().Select(e => e.Index));
        var folded = decided.Events.Aggregate(EngineState.Empty, Decider.Evolve);
        Assert.Equal([0, 1], folded.Find("web")!.Instances.Select(i => i.Index));
    }

    [Fact]
    public void An_added_event_of_a_journal_written_before_indexes_gets_the_smallest_free_index()
    {
        var added = JsonSerializer.Deserialize(
            """{"type":"InstanceAdded","program":"web","instance":0,"at":"2026-01-01T00:00:00+00:00"}""",
            JournalJson.Default.EngineEvent)!;
        var loaded = Decider.Evolve(EngineState.Empty, new EngineEvent.ProgramLoaded(Spec(), At(0)));

        var state = Decider.Evolve(loaded, added);

        Assert.Null(Assert.IsType<EngineEvent.InstanceAdded>(added).Index);
        Assert.Equal(0, state.Find("web")!.Instances.Single().Index);
    }

    [Fact]
    public void A_state_journaled_before_indexes_gets_unique_indexes_in_id_order_when_krust_pm_resumes_on_it()
    {
        var web = Spec(instances: 3);
        var running = Scenario.Given(Load(web), Started(1), Started(2), Started(3)).State;
        var old = WithoutIndexes(running);
        Assert.All(old.Find("web")!.Instances, i => Assert.Equal(0, i.Index));

        var restored = Decider.Decide(old, new Message.Restore([web], RequestId: 9, At(1_000)));

        Assert.Equal([(0L, 0), (1L, 1), (2L, 2)], restored.State.Find("web")!.Instances.Select(i => (i.Id, i.Index)));
    }

    [Fact]
    public void Indexes_survive_a_restart_of_krust_pm()
    {
        var web = Spec(instances: 3);
        var running = Scenario.Given(Load(web), Started(1), Started(2), Started(3), RemoveInstance("web", 0, request: 2, at: 10), Exited(1, 143, at: 11)).State;

        var restored = Decider.Decide(running, new Message.Restore([web], RequestId: 9, At(1_000)));

        Assert.Equal([(1L, 1), (2L, 2)], restored.State.Find("web")!.Instances.Select(i => (i.Id, i.Index)));
    }

    /// <summary>The state as a journal written before indexes existed reads it: without the field.</summary>
    private static EngineState WithoutIndexes(EngineState state)
    {
        var json = JsonSerializer.SerializeToNode(state, JournalJson.Default.EngineState)!;
        foreach (var instance in json["programs"]!.AsArray().SelectMany(p => p!["instances"]!.AsArray()))
        {
            Assert.True(instance!.AsObject().Remove("index"));
        }

        return json.Deserialize(JournalJson.Default.EngineState)!;
    }
}
