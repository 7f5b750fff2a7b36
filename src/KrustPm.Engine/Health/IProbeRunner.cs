namespace KrustPm.Engine.Health;

/// <summary>
/// Carries out probes for the engine, off its loop. Each <see cref="Run"/> must report exactly one outcome, within
/// the probe's <see cref="ProbeSpec.Timeout"/> (plus a little), and must not throw.
/// </summary>
public interface IProbeRunner
{
    /// <summary>Starts a probe; <paramref name="report"/> is called once with its outcome, on any thread.</summary>
    /// <param name="request">The probe.</param>
    /// <param name="report">Where the outcome goes.</param>
    void Run(ProbeRequest request, Action<ProbeRequest, ProbeOutcome> report);
}
