using System.Collections.Immutable;

namespace KrustPm.Engine.Health;

/// <summary>How a probe checks an instance, and how often. Immutable; exactly one of its targets is set.</summary>
public sealed record ProbeSpec
{
    /// <summary>Run this command (already split, no shell); exit code 0 passes.</summary>
    public ImmutableArray<string> Exec { get; init; } = [];

    /// <summary>
    /// GET this absolute <c>http://</c> or <c>https://</c> URL; a 2xx answer passes. It may hold placeholders
    /// (<c>http://127.0.0.1:{port}/health</c>), expanded for each instance (<see cref="InstanceVariables.ProbeFor"/>).
    /// </summary>
    public string? Http { get; init; }

    /// <summary>Connect to this <c>host:port</c> over TCP; an accepted connection passes.</summary>
    public string? Tcp { get; init; }

    /// <summary>The time between the end of one probe and the start of the next. Defaults to 1 s.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one probe may take; past it, it fails (an exec probe's process group is killed). Defaults to 1 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many failures in a row make the instance not ready (readiness) or get it restarted (liveness).
    /// Defaults to 3.
    /// </summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>The wait after the run started before its first probe. Defaults to 0.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.Zero;

    /// <summary>What the probe checks, for messages: the command, the URL or the address.</summary>
    public string Describe() =>
        !Exec.IsDefaultOrEmpty ? $"exec {string.Join(' ', Exec)}" : Http is not null ? $"http {Http}" : $"tcp {Tcp}";
}
