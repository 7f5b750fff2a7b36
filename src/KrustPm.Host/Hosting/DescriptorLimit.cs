using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace KrustPm.Host.Hosting;

/// <summary>
/// krust-pm's own limit of open files (RLIMIT_NOFILE). At start the soft limit is raised to the hard one, as systemd
/// does for itself (the JIT-compiled runtime already does it before krust-pm's first line; Native AOT does not):
/// every instance costs krust-pm about five descriptors (two pipes, a pid file descriptor, two output files), so
/// the usual soft limit of 1024 would otherwise cap it near 200 instances. Programs inherit the raised limit (see
/// docs/operations.md). A limit too low for krust-pm to run at all is said plainly, before anything starts, instead
/// of the runtime failing half-way with a stack trace.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int RlimitNofile = 7;

    /// <summary>
    /// Descriptors krust-pm opens on its way up once the command line is read: the runtime loads the web server's
    /// assemblies (two descriptors each when JIT-compiled), the server listens, the guardian and the reaper start.
    /// Measured: about 130 (JIT) and 10 (Native AOT); the engine then keeps 32 more for itself.
    /// </summary>
    private static int ToStart => RuntimeFeature.IsDynamicCodeSupported ? 135 : 24;

    /// <summary>Raises the soft limit to the hard limit (nothing happens where it already is, or cannot be read).</summary>
    public static void RaiseSoftToHard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var limits = default(Rlimit);
        if (GetRlimit(RlimitNofile, ref limits) == 0 && limits.Soft < limits.Hard)
        {
            limits.Soft = limits.Hard;
            _ = SetRlimit(RlimitNofile, ref limits); // a failure leaves the soft limit: krust-pm then works within it
        }
    }

    /// <summary>
    /// Whether krust-pm has descriptors enough to start (with a few instances); if not, says so on stderr, written
    /// directly (the console itself may need a descriptor it cannot get).
    /// </summary>
    public static bool EnoughToRun()
    {
        var limits = default(Rlimit);
        if (!OperatingSystem.IsLinux() || GetRlimit(RlimitNofile, ref limits) != 0 || limits.Soft >= int.MaxValue)
        {
            return true;
        }

        var open = Open();
        var needed = ToStart + 32 + 10; // the engine's reserve, and two instances
        if (open < 0 || (long)limits.Soft - open >= needed)
        {
            return true;
        }

        var limit = limits.Soft.ToString(CultureInfo.InvariantCulture);
        var total = (open + needed).ToString(CultureInfo.InvariantCulture);
        WriteError($"krust-pm: too few file descriptors: the limit (RLIMIT_NOFILE) is {limit} and {open.ToString(CultureInfo.InvariantCulture)} " +
            $"are open; krust-pm needs about {total} to start, and 5 more per instance. Raise it (ulimit -n, or " +
            "LimitNOFILE= in a systemd unit); nothing was started.\n");
        return false;
    }

    private static int Open()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static void WriteError(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        _ = Write(2, bytes, bytes.Length);
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, ref Rlimit limits);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, ref Rlimit limits);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    /// <summary>struct rlimit: the soft and hard limits (RLIM_INFINITY is all ones).</summary>
    private struct Rlimit
    {
        public ulong Soft;
        public ulong Hard;
    }
}
