using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary><see cref="AppliedMessage.FindRun"/>: the run's program and its instance after the message, wherever it moved.</summary>
public sealed class AppliedMessageTests
{
    private static readonly EngineState Running = StartAll(Decider.Reduce(EngineState.Empty, Load(Spec("web", instances: 5))).State);

    [Fact]
    public void A_run_is_found_with_its_instance_as_it_is_after_the_message()
    {
        var applied = Apply(Running, Exited(run: 3, code: 1, at: 10));

        var (program, instance) = applied.FindRun(3)!.Value;

        Assert.Equal("web", program);
        Assert.Same(applied.After.Find("web")!.Instances[2], instance);
    }

    [Fact]
    public void An_instance_that_moved_is_found_by_its_id()
    {
        var applied = Apply(Running, Scale("web", 3, request: 9, at: 10));

        Assert.Same(applied.After.Find("web")!.Instances[1], applied.FindRun(4)!.Value.Instance); // instance 3, was at 3
        Assert.Same(applied.After.Find("web")!.Instances[2], applied.FindRun(5)!.Value.Instance); // instance 4, was at 4
    }

    [Fact]
    public void An_instance_no_longer_listed_is_found_as_it_was_before()
    {
        var scaled = Decider.Reduce(Running, Scale("web", 3, request: 9, at: 10)).State;
        var applied = Apply(scaled, Exited(run: 1, code: 143, at: 11));

        Assert.Same(scaled.Find("web")!.Retiring[0], applied.FindRun(1)!.Value.Instance);
        Assert.Null(applied.FindRun(99));
    }

    private static EngineState StartAll(EngineState state)
    {
        foreach (var run in state.Programs[0].Instances.Select(i => i.RunId!.Value).ToList())
        {
            state = Decider.Reduce(state, Started(run)).State;
        }

        return state;
    }

    private static AppliedMessage Apply(EngineState before, Message message)
    {
        var (after, effects) = Decider.Reduce(before, message);
        return new AppliedMessage(message, before, after, effects);
    }
}
