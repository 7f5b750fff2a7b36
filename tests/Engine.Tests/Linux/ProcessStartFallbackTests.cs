using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// Every <see cref="LinuxProcessLauncherTests"/> test on the fallback path (System.Diagnostics.Process through setsid
/// and env --default-signal, reaped by the runtime), which runs where the kernel has no pidfd_open or libc no
/// posix_spawn_file_actions_addchdir_np.
/// </summary>
public sealed class ProcessStartFallbackTests() : LinuxProcessLauncherTests(LinuxProcessLauncherOptions.Default with { UseProcessStart = true });
