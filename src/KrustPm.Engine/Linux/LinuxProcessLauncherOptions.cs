namespace KrustPm.Engine.Linux;

/// <summary>How the <see cref="LinuxProcessLauncher"/> protects against krust-pm itself being killed. Immutable.</summary>
public sealed record LinuxProcessLauncherOptions
{
    /// <summary>Both protections on.</summary>
    public static LinuxProcessLauncherOptions Default { get; } = new();

    /// <summary>
    /// Give every instance's main process a parent-death signal (SIGKILL), so that it dies with krust-pm even when
    /// krust-pm is killed with SIGKILL. Defaults to <see langword="true"/>.
    /// </summary>
    public bool KillWithParent { get; init; } = true;

    /// <summary>
    /// Start a small guardian process (<c>sh</c>) that outlives krust-pm by a moment: when krust-pm's end of its pipe
    /// closes, for whatever reason, it kills the process groups of the instances still listed, grandchildren
    /// included. Defaults to <see langword="true"/>.
    /// </summary>
    public bool Guardian { get; init; } = true;

    /// <summary>
    /// Start runs with <see cref="System.Diagnostics.Process"/> (the fallback for kernels without pidfd_open) even
    /// where posix_spawn and pid file descriptors are available. For tests of that path.
    /// </summary>
    internal bool UseProcessStart { get; init; }
}
