using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>
/// Builds what the engine hands its <see cref="ProcessEngine.Applied"/> handlers, with the real reducer and no loop:
/// specs, states and messages at fixed times, so every test is deterministic.
/// </summary>
internal static class Applied
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int ms) => Epoch.AddMilliseconds(ms);

    public static ProgramSpec Spec(string name, int instances) => new(name, $"/bin/{name}", [$"/bin/{name}"])
    {
        Instances = instances,
        MaxInstances = (2 * instances) + 10,
        RestartDelay = TimeSpan.Zero,
    };

    /// <summary>The state after loading <paramref name="specs"/> and the Started of every run.</summary>
    public static EngineState Running(params ProgramSpec[] specs)
    {
        var state = Decider.Reduce(EngineState.Empty, new Message.Load([.. specs], 1, At(0))).State;
        foreach (var run in LiveRuns(state))
        {
            state = Decider.Reduce(state, Started(run)).State;
        }

        return state;
    }

    /// <summary>Decides one message: what the engine hands its handlers, and the state after it.</summary>
    public static Step Apply(EngineState before, Message message)
    {
        var decision = Decider.Decide(before, message);
        return new Step(new AppliedMessage(message, decision.Events, decision.State.Version, before.LastEventId + 1), decision.State);
    }

    /// <summary>One applied message and the state it led to.</summary>
    public sealed record Step(AppliedMessage Applied, EngineState After);

    public static Message.Started Started(long run) => new(run, Pid(run), At(1));

    public static int Pid(long run) => 1_000 + (int)run;

    public static long RunOf(EngineState state, string program, long instance) =>
        state.Find(program)!.Instances.Single(i => i.Id == instance).RunId!.Value;

    public static IEnumerable<long> LiveRuns(EngineState state) =>
        state.Programs.SelectMany(p => p.Instances.Concat(p.Retiring)).Where(i => i.IsLive).Select(i => i.RunId!.Value);

    public static ImmutableArray<InstanceState> AllOf(ProgramState program) => program.Instances.AddRange(program.Retiring);
}
