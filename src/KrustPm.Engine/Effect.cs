namespace KrustPm.Engine;

/// <summary>
/// What the reducer asks the outside world to do. The set is closed (private constructor). Effects are carried out
/// in order, after the state they came with is published.
/// </summary>
public abstract record Effect
{
    private Effect()
    {
    }

    /// <summary>Start an OS process for an instance's try.</summary>
    /// <param name="Request">What to start.</param>
    public sealed record Launch(LaunchRequest Request) : Effect;

    /// <summary>Send a signal to a run's process group, or to its main process alone (<see cref="Target"/>).</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Signal">The signal number.</param>
    public sealed record SendSignal(long RunId, int Signal) : Effect
    {
        /// <summary>Who receives it: the run's whole process group (the default) or its main process only.</summary>
        public SignalTarget Target { get; init; } = SignalTarget.Group;
    }

    /// <summary>Deliver a message back to the engine at a given time.</summary>
    /// <param name="Message">The message; its <see cref="Message.At"/> is when it is due.</param>
    public sealed record Schedule(Message Message) : Effect;

    /// <summary>Answer a command.</summary>
    /// <param name="RequestId">The request.</param>
    /// <param name="Result">The answer.</param>
    public sealed record Reply(long RequestId, CommandResult Result) : Effect;

    /// <summary>Run a probe off the engine loop; its outcome comes back as <see cref="Message.ProbeResult"/>.</summary>
    /// <param name="Request">The probe.</param>
    public sealed record RunProbe(Health.ProbeRequest Request) : Effect;
}

/// <summary>What the launcher needs to start one try of one instance.</summary>
/// <param name="RunId">The engine's id for this launch; events about it carry the same id.</param>
/// <param name="Program">The program's specification.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Try">The try, counted from 1.</param>
public sealed record LaunchRequest(long RunId, ProgramSpec Program, long InstanceId, int Try)
{
    /// <summary>The instance's index (<see cref="InstanceState.Index"/>).</summary>
    public int Index { get; init; }

    /// <summary>
    /// The program as this instance runs it: placeholders expanded and instance variables set
    /// (<see cref="InstanceVariables.For"/>); what a launcher starts.
    /// </summary>
    public ProgramSpec InstanceProgram() => InstanceVariables.For(Program, InstanceId, Index);
}
