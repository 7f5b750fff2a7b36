using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Linux;

/// <summary>
/// A tiny static x86-64 program krust-pm carries as bytes (its source, a <c>.S</c> file, lies beside this one) and
/// execs in front of a program: loaded into a sealed memfd of this process on first use and exec'd as
/// <c>/proc/self/fd/N</c>. The memfd is close-on-exec: a child holds it only until its own exec, and no program
/// inherits it. Unavailable (<see cref="Path"/> is <see langword="null"/>, and the caller falls back to a tool of the
/// system) on other architectures, or where the kernel refuses to execute a memfd (<c>vm.memfd_noexec = 2</c>), which
/// one probe run finds out.
/// </summary>
internal sealed partial class StaticHelper
{
    private const uint MfdCloexec = 1;
    private const uint MfdAllowSealing = 2;
    private const uint MfdExec = 0x10;
    private const int FAddSeals = 1033;
    private const int SealAll = 0x1 | 0x2 | 0x4 | 0x8; // F_SEAL_SEAL, SHRINK, GROW, WRITE

    private readonly Lazy<string?> _path;
    private SafeFileHandle? _memfd;

    /// <summary>A helper.</summary>
    /// <param name="name">The memfd's name (what /proc shows).</param>
    /// <param name="elf">The program.</param>
    /// <param name="probe">Arguments of a run that must exit 0 where the helper works.</param>
    public StaticHelper(string name, byte[] elf, string[] probe) => _path = new(() => Load(name, elf, probe));

    /// <summary>The path to exec, or <see langword="null"/> where the helper cannot run.</summary>
    public string? Path => _path.Value;

    private string? Load(string name, byte[] elf, string[] probe)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null;
        }

        // MFD_EXEC says so explicitly where the kernel knows it (6.3+); before that, memfds are executable anyway.
        var fd = MemfdCreate(name, MfdCloexec | MfdAllowSealing | MfdExec);
        fd = fd >= 0 ? fd : MemfdCreate(name, MfdCloexec | MfdAllowSealing);
        if (fd < 0)
        {
            return null;
        }

        var memfd = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            RandomAccess.Write(memfd, elf, 0);
        }
        catch (IOException)
        {
            memfd.Dispose();
            return null;
        }

        var path = $"/proc/self/fd/{fd}";
        if (AddSeals(fd, FAddSeals, SealAll) != 0 || !Works(path, probe))
        {
            memfd.Dispose();
            return null;
        }

        _memfd = memfd; // open for the life of the process: every spawn execs it
        return path;
    }

    private static bool Works(string path, string[] probe)
    {
        try
        {
            using var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(path, probe) { UseShellExecute = false });
            if (run is null)
            {
                return false;
            }

            run.WaitForExit();
            return run.ExitCode == 0;
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int AddSeals(int fd, int command, int seals);
}
