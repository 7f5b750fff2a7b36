using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace KrustPm.Host.Resources;

/// <summary>
/// The few /proc reads a sample makes, without the allocations of the general file API: a sample reads every
/// process's <c>stat</c> and counts every member's open files, every 2 s, for up to thousands of processes. A stat file
/// is read with open/read/close on a path built on the stack (no SafeHandle, no <c>fstat</c>); the process list is
/// walked with <see cref="FileSystemEnumerable{TResult}"/> without making a string per entry, a descriptor folder
/// with readdir.
/// </summary>
internal static partial class ProcFiles
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC

    /// <summary>Reads <c>/proc/PID/stat</c> into <paramref name="buffer"/>; the byte count, or -1 when it is gone.</summary>
    public static unsafe int ReadStat(int pid, Span<byte> buffer)
    {
        Span<byte> path = stackalloc byte[32];
        "/proc/"u8.CopyTo(path);
        var length = 6;
        pid.TryFormat(path[length..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        length += digits;
        "/stat\0"u8.CopyTo(path[length..]);

        int fd;
        fixed (byte* name = path)
        {
            fd = Open(name, ReadOnlyCloseOnExec);
        }

        if (fd < 0)
        {
            return -1;
        }

        try
        {
            fixed (byte* target = buffer)
            {
                var read = Read(fd, target, (nuint)buffer.Length);
                return (int)read;
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>The process ids in /proc.</summary>
    public static List<int> ProcessIds()
    {
        var enumerable = new FileSystemEnumerable<int>(
            "/proc",
            static (ref FileSystemEntry entry) => int.Parse(entry.FileName, System.Globalization.CultureInfo.InvariantCulture),
            new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory && IsNumber(entry.FileName),
        };
        return [.. enumerable];
    }

    /// <summary>
    /// How many entries a descriptor folder (<c>/proc/PID/fd</c>) has; 0 when it cannot be read. With libc's
    /// opendir/readdir: the runtime's enumeration stats every entry that is a symbolic link (every descriptor is one)
    /// to know whether it points to a folder, two system calls per descriptor that a count does not need.
    /// </summary>
    public static unsafe int CountEntries(string folder)
    {
        var directory = OpenDirectory(folder);
        if (directory == 0)
        {
            return 0;
        }

        try
        {
            var count = 0;
            while (ReadDirectory(directory) != 0)
            {
                count++;
            }

            return Math.Max(0, count - 2); // "." and ".."
        }
        finally
        {
            _ = CloseDirectory(directory);
        }
    }

    private static bool IsNumber(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDirectory(string path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial nint ReadDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir", SetLastError = true)]
    private static partial int CloseDirectory(nint directory);
}
