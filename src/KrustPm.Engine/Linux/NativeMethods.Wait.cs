using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>Waiting for children by pid file descriptor: pidfd_open(2), epoll(7), waitpid(2).</summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>errno: no child with that pid (someone else reaped it).</summary>
    public const int Echild = 10;

    /// <summary>epoll_ctl(2) operation: add a file descriptor.</summary>
    public const int EpollAdd = 1;

    /// <summary>epoll_ctl(2) operation: remove a file descriptor.</summary>
    public const int EpollDelete = 2;

    /// <summary>epoll event: readable (a pidfd is readable once its process has exited).</summary>
    public const uint EpollIn = 1;

    /// <summary>pidfd_open(2)'s number: 434 on every architecture that has it (x86-64, arm64, ...).</summary>
    private const long SysPidfdOpen = 434;

    /// <summary>
    /// Size and layout of <c>struct epoll_event</c>: packed on x86-64 (12 bytes, data at offset 4), naturally aligned
    /// elsewhere (16 bytes, data at offset 8).
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of the data field in <c>struct epoll_event</c>.</summary>
    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>A file descriptor that refers to process <paramref name="pid"/> (always close-on-exec), or -1.</summary>
    public static int PidfdOpen(int pid) => (int)Syscall(SysPidfdOpen, pid, 0);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long argument1, long argument2);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollControl(int epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeout);
}
