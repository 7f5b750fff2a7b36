using System.Runtime.InteropServices;

namespace KrustPm.Host.Hosting;

/// <summary>
/// If krust-pm was started with SIGCHLD ignored, the kernel reaps children itself and .NET never sees them exit.
/// Restoring the default before any child exists keeps exit detection working.
/// </summary>
internal static partial class ChildSignals
{
    private const int SigChld = 17;
    private const nint SigDefault = 0;
    private const nint SigIgnore = 1;

    public static void RestoreDefault()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var previous = Signal(SigChld, SigDefault);
        if (previous != SigIgnore)
        {
            Signal(SigChld, previous); // A real handler (the runtime's) stays in place.
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
