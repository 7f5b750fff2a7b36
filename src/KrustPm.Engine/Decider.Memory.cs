namespace KrustPm.Engine;

/// <summary>
/// <c>max_memory</c>: what the decider does with a run's memory samples. Two samples in a row above the limit restart
/// the run (a restart, not a failure); with several instances, one at a time: while another instance of the program is
/// being restarted for its memory, or is not yet running again, an instance over the limit waits for the next sample.
/// </summary>
public static partial class Decider
{
    /// <summary>Samples in a row above the limit that restart a run.</summary>
    public const int MemoryStrikesToRestart = 2;

    private static void MemorySampled(Transition t, Message.MemorySampled m)
    {
        if (t.State.ShuttingDown
            || FindRun(t.State, m.RunId) is not { } at
            || at.Get(t.State) is not { Status: InstanceStatus.Running, StopRequested: false } instance
            || t.Program(at.Program).Spec is not { MaxMemory: { } limit } spec)
        {
            return; // The run ended or is stopping, or its program has no limit (any more).
        }

        var strikes = m.Bytes > limit ? Math.Min(instance.MemoryStrikes + 1, MemoryStrikesToRestart) : 0;
        if (strikes != instance.MemoryStrikes)
        {
            t.Emit(new EngineEvent.MemoryChecked(spec.Name, instance.Id, m.RunId, m.Bytes, limit, strikes, m.At));
        }

        if (strikes == MemoryStrikesToRestart && !SiblingRestarting(t.Program(at.Program), instance))
        {
            t.Stop(spec, instance, StopReason.Memory, MemoryText(m.Bytes, limit));
        }
    }

    /// <summary>"memory 412 MiB above max_memory 300 MiB": why a run is restarted, as the event and the log say.</summary>
    /// <param name="bytes">The memory sampled.</param>
    /// <param name="limit">The limit.</param>
    public static string MemoryText(long bytes, long limit) => $"memory {Mebibytes(bytes)} above max_memory {Mebibytes(limit)}";

    /// <summary>Whether another instance of the program is not running its run normally (one restart at a time).</summary>
    private static bool SiblingRestarting(ProgramState program, InstanceState instance) =>
        program.Instances.Any(other => other.Id != instance.Id
            && (other.Status is InstanceStatus.Started || (other.Status is InstanceStatus.Stopping && other.RestartRequested)));

    internal static string Mebibytes(long bytes) =>
        bytes >= 10L << 20
            ? $"{(bytes >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture)} MiB"
            : $"{(bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} MiB";
}
