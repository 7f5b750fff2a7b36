using System.Globalization;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Whether krust-pm can open more file descriptors for a program (or a probe) without running itself out of them.
/// A process at its RLIMIT_NOFILE is not merely unable to start children: the .NET runtime then fails to start a
/// thread or load code and aborts ("Out of memory."), Kestrel cannot accept, output files cannot be opened. So the
/// launcher keeps a reserve for krust-pm itself, and defers a launch (<see cref="IProcessEvents.StartDeferred"/>)
/// rather than dig into it. Counting costs one statx(2) of <c>/proc/self/fd</c> (Linux 6.2 reports the number of
/// open descriptors as its size), or reading that directory on older kernels.
/// </summary>
internal static partial class DescriptorBudget
{
    /// <summary>
    /// What one run takes at its start, with its output captured: two pipes (four ends, two closed right after the
    /// spawn), its pid file descriptor, and its two output files.
    /// </summary>
    public const int PerCapturedRun = 7;

    /// <summary>What one run takes without output capture: its pid file descriptor, and /dev/null while it starts.</summary>
    public const int PerRun = 2;

    /// <summary>What a run takes on the fallback path: a <see cref="System.Diagnostics.Process"/> opens three pipes; and its two output files.</summary>
    public const int PerProcessRun = 8;

    /// <summary>What an exec probe takes: two pipes and its pid file descriptor, or three pipes on the fallback path.</summary>
    public const int PerProbe = 6;

    private const int RlimitNofile = 7;
    private const int AtFdCwd = -100;
    private const uint StatxSize = 0x200;

    /// <summary>Offset of <c>stx_size</c> in <c>struct statx</c> (the same on every architecture).</summary>
    private const int StatxSizeOffset = 40;

    /// <summary>
    /// How many descriptors are kept for krust-pm itself under a limit of <paramref name="limit"/>: a sixteenth of
    /// it, at least 32 and at most 256. (The JIT-compiled krust-pm holds about 190 when idle, mostly for the
    /// assemblies it loaded; the Native AOT one about 20. The reserve covers what it opens on demand after that.)
    /// </summary>
    public static long Reserve(long limit) => Math.Clamp(limit / 16, 32, 256);

    /// <summary>Whether <paramref name="needed"/> more descriptors can be opened, leaving the reserve free.</summary>
    /// <param name="needed">How many the launch or probe takes.</param>
    /// <param name="shortage">When not: what krust-pm is short of, for the user.</param>
    public static bool HasRoom(int needed, out string shortage)
    {
        shortage = string.Empty;
        if (SoftLimit() is not { } limit)
        {
            return true; // no limit, or it cannot be read: nothing to keep
        }

        var open = Open();
        var reserve = Reserve(limit);
        if (open >= 0 && open + needed + reserve <= limit)
        {
            return true;
        }

        shortage = open < 0
            ? "krust-pm is out of file descriptors: it cannot even count them (RLIMIT_NOFILE " + limit.ToString(CultureInfo.InvariantCulture) + ")"
            : string.Create(CultureInfo.InvariantCulture,
                $"krust-pm is short of file descriptors: {open} of {limit} open (RLIMIT_NOFILE), {reserve} kept for krust-pm itself");
        return false;
    }

    /// <summary>krust-pm's soft RLIMIT_NOFILE, or <see langword="null"/> when unlimited or unknown.</summary>
    public static unsafe long? SoftLimit()
    {
        var limits = stackalloc ulong[2];
        return GetRlimit(RlimitNofile, limits) == 0 && limits[0] < long.MaxValue ? (long)limits[0] : null;
    }

    /// <summary>How many file descriptors krust-pm has open, or -1 when that cannot be told.</summary>
    public static unsafe int Open()
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, "/proc/self/fd", 0, StatxSize, buffer) == 0 && *(long*)(buffer + StatxSizeOffset) is > 0 and var size)
        {
            return (int)size;
        }

        try
        {
            // Before Linux 6.2 the size is 0: count the entries (one of them is the directory being read).
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return -1; // most likely out of descriptors already (the directory itself takes one)
        }
    }

    /// <summary>Whether an errno says that krust-pm itself is short of a resource: EMFILE, ENFILE, EAGAIN, ENOMEM.</summary>
    public static bool IsShortage(int errno) => errno is NativeMethods.Emfile or NativeMethods.Enfile or NativeMethods.Eagain or NativeMethods.Enomem;

    /// <summary>What krust-pm says when a system call failed for lack of its own resources.</summary>
    public static string Describe(string what, int errno) =>
        $"krust-pm {what}: {Marshal.GetPInvokeErrorMessage(errno)} ({Name(errno)})";

    private static string Name(int errno) => errno switch
    {
        NativeMethods.Emfile => "EMFILE: krust-pm's own limit of open files",
        NativeMethods.Enfile => "ENFILE: the system's limit of open files",
        NativeMethods.Eagain => "EAGAIN: a limit on processes or threads",
        NativeMethods.Enomem => "ENOMEM",
        _ => errno.ToString(CultureInfo.InvariantCulture),
    };

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static unsafe partial int GetRlimit(int resource, ulong* limits);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
