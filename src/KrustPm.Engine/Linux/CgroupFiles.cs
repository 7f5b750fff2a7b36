using System.Runtime.InteropServices;
using System.Text;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The few file operations cgroups need, as plain system calls: each write to a cgroup interface file must be one
/// write(2) (a pid to <c>cgroup.procs</c>, <c>1</c> to <c>cgroup.kill</c>), and these run for every spawn and exit,
/// where a <see cref="FileStream"/> would cost allocations and extra system calls.
/// </summary>
internal static unsafe partial class CgroupFiles
{
    /// <summary>errno: the file or directory exists.</summary>
    public const int Eexist = 17;

    private const int WriteOnly = 1;

    /// <summary>Writes <paramref name="text"/> to an existing file in one write(2).</summary>
    /// <returns>0, or the errno of what failed.</returns>
    public static int Write(string path, string text)
    {
        var fd = Open(path, WriteOnly | NativeMethods.CloseOnExec);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        Span<byte> bytes = stackalloc byte[64];
        var length = Encoding.ASCII.GetBytes(text, bytes);
        nint written;
        fixed (byte* start = bytes)
        {
            do
            {
                written = WriteBytes(fd, start, length);
            }
            while (written < 0 && Marshal.GetLastPInvokeError() == NativeMethods.Eintr);
        }

        var error = written < 0 ? Marshal.GetLastPInvokeError() : 0;
        NativeMethods.Close(fd);
        return error;
    }

    /// <summary>Whether a cgroup (or one of its descendants) holds a live process, from its <c>cgroup.events</c>.</summary>
    /// <returns><see langword="null"/> when the file cannot be read (the cgroup is gone).</returns>
    public static bool? IsPopulated(string cgroup)
    {
        var fd = Open(Path.Combine(cgroup, "cgroup.events"), NativeMethods.ReadOnly | NativeMethods.CloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return ReadPopulated(fd);
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    /// <summary>Reads an open <c>cgroup.events</c> from its start (which also re-arms its poll notification).</summary>
    public static bool? ReadPopulated(int fd)
    {
        Span<byte> buffer = stackalloc byte[256];
        nint length;
        fixed (byte* start = buffer)
        {
            do
            {
                length = PositionedRead(fd, start, buffer.Length, 0);
            }
            while (length < 0 && Marshal.GetLastPInvokeError() == NativeMethods.Eintr);
        }

        if (length <= 0)
        {
            return null;
        }

        // "populated 0\nfrozen 0\n"
        var text = buffer[..(int)length];
        var key = "populated "u8;
        var at = text.IndexOf(key);
        return at < 0 || at + key.Length >= text.Length ? null : text[at + key.Length] == (byte)'1';
    }

    /// <summary>Opens a file read-only (for <see cref="ReadPopulated"/>), or -1.</summary>
    public static int OpenForReading(string path) => Open(path, NativeMethods.ReadOnly | NativeMethods.CloseOnExec);

    /// <summary>Makes a directory (a cgroup).</summary>
    /// <returns>0 (also when it exists already), or the errno.</returns>
    public static int MakeDirectory(string path) =>
        MakeDirectoryCall(path, 0x1ed) == 0 || Marshal.GetLastPInvokeError() == Eexist ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Removes an empty directory (a cgroup with no process and no child cgroup).</summary>
    /// <returns>0, or the errno.</returns>
    public static int RemoveDirectory(string path) => RemoveDirectoryCall(path) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>The pids listed in a cgroup's <c>cgroup.procs</c> (empty when it cannot be read).</summary>
    public static List<int> Processes(string cgroup)
    {
        try
        {
            return [.. File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs"))
                .Select(line => int.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : 0)
                .Where(pid => pid > 0)];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteBytes(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint PositionedRead(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeDirectoryCall(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RemoveDirectoryCall(string path);
}
