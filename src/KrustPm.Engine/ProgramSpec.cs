using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// What to run and how to supervise it: one program of the configuration, independent of where it came from
/// (a TOML file, code, a test). Immutable; derive variants with <c>with</c>.
/// </summary>
/// <param name="Name">The program's unique name, as in the configuration table.</param>
/// <param name="Command">The command as the user wrote it, shown back in the API's <c>cmd</c> field.</param>
/// <param name="Argv">The executable followed by its arguments, already split (no shell is involved).</param>
public sealed record ProgramSpec(string Name, string Command, ImmutableArray<string> Argv)
{
    /// <summary>The default for <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>The default for <see cref="MaxInstances"/>.</summary>
    public const int DefaultMaxInstances = 1000;

    /// <summary>How many instances to start. Defaults to 1.</summary>
    public int Instances { get; init; } = 1;

    /// <summary>
    /// How many failed retries an instance may have before it ends in <see cref="InstanceStatus.RetriesExceeded"/>;
    /// 0 means retry forever. With 3, the instance runs at most 4 times (tries 1 to 4).
    /// </summary>
    public int MaxRetries { get; init; } = DefaultMaxRetries;

    /// <summary>The largest instance count a scale request may ask for.</summary>
    public int MaxInstances { get; init; } = DefaultMaxInstances;

    /// <summary>How long to wait after a failed try before the next one. Defaults to 100 ms.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The signal that asks an instance to stop. Defaults to SIGTERM.</summary>
    public int StopSignal { get; init; } = Signals.Terminate;

    /// <summary>How long a stopping instance may take before its process group gets SIGKILL. Defaults to 10 s.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The working directory of the program's processes; <see langword="null"/> inherits the engine's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Whether retries never run out (<see cref="MaxRetries"/> is 0).</summary>
    public bool RetriesForever => MaxRetries == 0;
}
