using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Benchmarks;

/// <summary>Prebuilt programs and states: one program of N instances, all running, built by the reducer itself.</summary>
public static class Fixtures
{
    /// <summary>The one program's name.</summary>
    public const string ProgramName = "sleeper";

    /// <summary>Every message is stamped from here (the reducer reads no clock; fixed times keep runs identical).</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A program of <paramref name="instances"/> instances as the peer benchmark configures it: restart at once
    /// (<c>restart_delay_ms = 0</c>), retries never run out, room to scale up. Other settings are the defaults.
    /// </summary>
    public static ProgramSpec Spec(int instances) => new(ProgramName, "sleep 3600", ["sleep", "3600"])
    {
        Instances = instances,
        MaxInstances = (2 * instances) + 10,
        MaxRetries = 0,
        RestartDelay = TimeSpan.Zero,
    };

    /// <summary>The state after <c>Load</c> of <paramref name="spec"/> and then <c>Started</c> of each of its runs.</summary>
    public static EngineState Running(ProgramSpec spec)
    {
        var (state, _) = Decider.Reduce(EngineState.Empty, Load(spec));
        foreach (var message in StartedOfEach(state))
        {
            state = Decider.Reduce(state, message).State;
        }

        return state;
    }

    /// <summary>The command that loads <paramref name="spec"/>.</summary>
    public static Message.Load Load(ProgramSpec spec) => new(ImmutableArray.Create(spec), RequestId: 1, Epoch);

    /// <summary>One <c>Started</c> per launched run of <paramref name="loaded"/>, in instance order, one second after the load.</summary>
    public static ImmutableArray<Message.Started> StartedOfEach(EngineState loaded) =>
    [
        .. loaded.Programs[0].Instances.Select(i => new Message.Started(i.RunId!.Value, Pid(i.RunId.Value), Epoch.AddSeconds(1))),
    ];

    /// <summary>A made-up pid for a run.</summary>
    public static int Pid(long runId) => 100_000 + (int)(runId % 1_000_000);
}
