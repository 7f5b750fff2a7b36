using System.Collections.Immutable;

namespace KrustPm.Engine.Linux;

/// <summary>
/// How the <see cref="LinuxProcessLauncher"/> (and the exec probes of <see cref="Health.ProbeRunner"/>) start
/// processes: the protections against krust-pm itself being killed, and what of krust-pm's own environment they
/// keep from programs. Immutable.
/// </summary>
public sealed record LinuxProcessLauncherOptions
{
    /// <summary>Both protections on.</summary>
    public static LinuxProcessLauncherOptions Default { get; } = new();

    /// <summary>
    /// Give every instance's main process a parent-death signal (SIGKILL), so that it dies with krust-pm even when
    /// krust-pm is killed with SIGKILL. Defaults to <see langword="true"/>. Not needed, so not applied, when runs are
    /// contained in cgroups and <see cref="Guardian"/> is on (the guardian kills krust-pm's whole cgroup tree).
    /// </summary>
    public bool KillWithParent { get; init; } = true;

    /// <summary>
    /// Start a small guardian process (<c>sh</c> and <c>awk</c>) that outlives krust-pm by a moment: krust-pm tells
    /// it of every run's process group before the run is reported started, and when krust-pm's end of its pipe
    /// closes, for whatever reason, it kills the groups of the runs not yet over, grandchildren included. With
    /// output captured, it also kills a run whose start was under way at that moment (found by its output pipes).
    /// Defaults to <see langword="true"/>.
    /// </summary>
    public bool Guardian { get; init; } = true;

    /// <summary>
    /// Names of variables of krust-pm's own environment that programs do not inherit: krust-pm's secrets, such as
    /// its API token. A program whose <see cref="ProgramSpec.Environment"/> sets one of them gets that value. Exec
    /// probes follow the same rule. Empty by default.
    /// </summary>
    public ImmutableArray<string> WithheldEnvironment { get; init; } = [];

    /// <summary>
    /// Start runs with <see cref="System.Diagnostics.Process"/> (the fallback for kernels without pidfd_open) even
    /// where posix_spawn and pid file descriptors are available. For tests of that path.
    /// </summary>
    internal bool UseProcessStart { get; init; }

    /// <summary>
    /// Whether runs are started with posix_spawn and watched through pid file descriptors: unless <see
    /// cref="UseProcessStart"/>, wherever libc has what the spawn path needs (else the Process fallback is used).
    /// </summary>
    internal bool SpawnsDirectly => !UseProcessStart && ChildSpawner.IsSupported;
}
