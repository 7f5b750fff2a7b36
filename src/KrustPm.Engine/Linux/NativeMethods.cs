using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The libc calls .NET has no API for: sending an arbitrary signal, checking execute permission, and (in the other
/// parts of this class) spawning and reaping children without <see cref="System.Diagnostics.Process"/>.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>errno: interrupted by a signal.</summary>
    public const int Eintr = 4;

    /// <summary>errno: no such process or process group.</summary>
    public const int Esrch = 3;

    /// <summary>errno: no such file or directory.</summary>
    public const int Enoent = 2;

    /// <summary>errno: permission denied.</summary>
    public const int Eacces = 13;

    /// <summary>errno: not a directory.</summary>
    public const int Enotdir = 20;

    /// <summary>errno: out of a resource for now (processes, threads); also EWOULDBLOCK.</summary>
    public const int Eagain = 11;

    /// <summary>errno: out of memory.</summary>
    public const int Enomem = 12;

    /// <summary>errno: the system's table of open files is full.</summary>
    public const int Enfile = 23;

    /// <summary>errno: the process's limit of open files (RLIMIT_NOFILE) is reached.</summary>
    public const int Emfile = 24;

    /// <summary>errno: function not implemented (a system call the kernel is too old for).</summary>
    public const int Enosys = 38;

    /// <summary>access(2) mode: execute permission.</summary>
    public const int ExecuteOk = 1;

    /// <summary>open(2) flag: read only.</summary>
    public const int ReadOnly = 0;

    /// <summary>open(2)/pipe2(2)/epoll_create1(2) flag: close on exec (the same value on x86-64 and arm64).</summary>
    public const int CloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>ioctl(2) request: bytes that can be read without blocking (the same value on x86-64 and arm64).</summary>
    private const nuint Fionread = 0x541B;

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static unsafe partial int Pipe2(int* fds, int flags);

    /// <summary>How many bytes a pipe holds (0 if that cannot be told).</summary>
    public static unsafe int BytesAvailable(nint fd)
    {
        var count = 0;
        return IoctlInt((int)fd, Fionread, &count) == 0 ? count : 0;
    }

    [LibraryImport("libc", EntryPoint = "ioctl")]
    private static unsafe partial int IoctlInt(int fd, nuint request, int* value);
}
