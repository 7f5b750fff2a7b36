using System.Collections.Immutable;

namespace KrustPm.Engine.Tests;

/// <summary>
/// A reducer run: the state after some messages, and the effects of the last one. Given the history, When one
/// more message, Then assert on <see cref="State"/> and <see cref="Effects"/>.
/// </summary>
internal sealed record Scenario(EngineState State, ImmutableArray<Effect> Effects)
{
    public static Scenario Given(params Message[] messages) => new Scenario(EngineState.Empty, []).When(messages);

    /// <summary>Applies the messages in order; <see cref="Effects"/> are those of the last one.</summary>
    public Scenario When(params Message[] messages)
    {
        var (state, effects) = (State, Effects);
        foreach (var message in messages)
        {
            (state, effects) = Decider.Reduce(state, message);
        }

        return new Scenario(state, effects);
    }

    public ProgramState Program(string name = "web") =>
        State.Find(name) ?? throw new InvalidOperationException($"No program '{name}' in the state.");

    public InstanceState Instance(long id, string program = "web") => Program(program).Instances.Single(i => i.Id == id);

    /// <summary>
    /// Asserts that the last message was refused: its only effect is a reply to <paramref name="request"/> of that
    /// kind. Returns the reason, for the test to check what it names.
    /// </summary>
    public string AssertRejected(long request, RejectionKind kind)
    {
        var reply = Assert.IsType<Effect.Reply>(Assert.Single(Effects));
        Assert.Equal((request, false, 0, kind), (reply.RequestId, reply.Result.Accepted, reply.Result.Affected, reply.Result.Rejection));
        return Assert.IsType<string>(reply.Result.Reason);
    }

    /// <summary>
    /// Asserts that the messages since <paramref name="before"/> changed nothing but the version. Compared field by field (through
    /// <see cref="StateView"/>): the records hold ImmutableArrays, whose equality is by reference.
    /// </summary>
    public static void AssertUnchanged(Scenario before, Scenario after)
    {
        Assert.Equal(StateView.Facts(before.State), StateView.Facts(after.State));
    }
}
