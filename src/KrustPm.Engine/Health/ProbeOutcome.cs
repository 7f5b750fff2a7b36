namespace KrustPm.Engine.Health;

/// <summary>The result of one probe of one run.</summary>
/// <param name="Passed">Whether the probe passed.</param>
/// <param name="Detail">What it saw: <c>exit code 1: …</c>, <c>HTTP 503</c>, <c>connection refused</c>, <c>timed out after 1000 ms</c>.</param>
/// <param name="At">When it ended.</param>
public sealed record ProbeOutcome(bool Passed, string Detail, DateTimeOffset At)
{
    /// <summary>
    /// The probe was not run: krust-pm itself lacked a resource to run it (file descriptors). It neither passes nor
    /// fails: the run keeps its last result and its failure counts, and the next probe is due a period later.
    /// </summary>
    public bool Skipped { get; init; }
}
