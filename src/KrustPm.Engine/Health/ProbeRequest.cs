namespace KrustPm.Engine.Health;

/// <summary>One probe to run now, for one run of an instance.</summary>
/// <param name="RunId">The run it checks; the result is ignored if that run has ended.</param>
/// <param name="Program">The program's name (for messages).</param>
/// <param name="InstanceId">The instance (for messages).</param>
/// <param name="Kind">Readiness or liveness.</param>
/// <param name="Probe">How to probe.</param>
public sealed record ProbeRequest(long RunId, string Program, long InstanceId, ProbeKind Kind, ProbeSpec Probe)
{
    /// <summary>
    /// The program checked, when known: an exec probe runs in its working directory, with its environment
    /// (as krust-pm's user, not the program's <see cref="ProgramSpec.User"/>).
    /// </summary>
    public ProgramSpec? Spec { get; init; }

    /// <summary>The probe chain it belongs to (<see cref="InstanceState.ProbeEpoch"/>); its result carries it back.</summary>
    public int Epoch { get; init; }

    /// <summary>The instance's index (<see cref="InstanceState.Index"/>): its placeholders and variables expand with it.</summary>
    public int Index { get; init; }

    /// <summary>
    /// The probe and the program as this instance has them: placeholders expanded in the probe's target
    /// (<see cref="InstanceVariables.ProbeFor"/>) and, for an exec probe, the instance's environment with its
    /// variables (<c>KRUST_PM_INDEX</c>, <c>PORT</c>...), as the instance itself runs.
    /// </summary>
    public (ProbeSpec Probe, ProgramSpec? Spec) ForInstance() => Spec is { } spec
        ? (InstanceVariables.ProbeFor(Probe, spec, InstanceId, Index), Probe.Exec.IsDefaultOrEmpty ? spec : InstanceVariables.For(spec, InstanceId, Index))
        : (Probe, null);
}
