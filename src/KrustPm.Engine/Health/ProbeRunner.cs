namespace KrustPm.Engine.Health;

/// <summary>The real probe runner: exec, HTTP and TCP probes, each bounded by its timeout, off the engine loop.</summary>
public sealed class ProbeRunner : IProbeRunner
{
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    /// <param name="time">The clock that stamps outcomes.</param>
    public ProbeRunner(TimeProvider time) => _time = time;

    /// <inheritdoc />
    public void Run(ProbeRequest request, Action<ProbeRequest, ProbeOutcome> report) =>
        report(request, new ProbeOutcome(false, "TODO(issue 9): probes are not implemented yet", _time.GetUtcNow()));
}
