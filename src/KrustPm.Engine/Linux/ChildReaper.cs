using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Notices when children started with posix_spawn (<c>ChildSpawner</c>) exit. The .NET runtime reaps only the
/// children it started itself, and <c>waitpid(-1)</c> would steal those: so each child gets a pid file descriptor
/// (pidfd_open(2), Linux 5.3), and one thread, for the whole process, waits in epoll_wait(2) for any of them to become
/// readable, which happens when that child exits. New pidfds are added with epoll_ctl(2) from any thread, which a
/// blocked epoll_wait sees at once; the thread never ends, so nothing needs to wake it.
/// </summary>
internal sealed unsafe class ChildReaper
{
    private const int BatchSize = 64;

    private static readonly Lazy<ChildReaper?> SharedReaper = new(Create);

    private readonly ConcurrentDictionary<int, Action> _watched = new();
    private readonly int _epoll;

    private ChildReaper(int epoll)
    {
        _epoll = epoll;
        var thread = new Thread(Run) { IsBackground = true, Name = "krust-pm reaper" };
        thread.Start();
    }

    /// <summary>The process-wide reaper, or <see langword="null"/> when the kernel has no pidfd_open (before Linux 5.3).</summary>
    public static ChildReaper? Shared => SharedReaper.Value;

    /// <summary>A pid file descriptor for a child that has not been reaped yet (so its pid cannot have been reused).</summary>
    /// <returns>The pidfd, or -1 (errno in <see cref="Marshal.GetLastPInvokeError"/>).</returns>
    public static int Open(int pid) => NativeMethods.PidfdOpen(pid);

    /// <summary>
    /// Calls <paramref name="exited"/> on the reaper thread once the pidfd's process has exited, then closes the
    /// pidfd. The callback must reap the child (waitpid) and must not block for long: every other exit waits.
    /// </summary>
    public void Watch(int pidfd, Action exited)
    {
        _watched[pidfd] = exited;
        var entry = stackalloc byte[16];
        Unsafe.WriteUnaligned(entry, NativeMethods.EpollIn);
        Unsafe.WriteUnaligned(entry + NativeMethods.EpollDataOffset, (long)pidfd);
        if (NativeMethods.EpollControl(_epoll, NativeMethods.EpollAdd, pidfd, entry) != 0)
        {
            // Only when the kernel is out of memory or epoll watches (ENOMEM, ENOSPC): the callback then runs at once
            // and ends the child (it kills the group before it reaps).
            _watched.TryRemove(pidfd, out _);
            Finish(pidfd, exited);
        }
    }

    private static ChildReaper? Create()
    {
        var probe = NativeMethods.PidfdOpen(Environment.ProcessId);
        if (probe < 0)
        {
            return null;
        }

        NativeMethods.Close(probe);
        var epoll = NativeMethods.EpollCreate(NativeMethods.CloseOnExec);
        return epoll < 0 ? null : new ChildReaper(epoll);
    }

    private void Run()
    {
        var events = stackalloc byte[BatchSize * NativeMethods.EpollEventSize];
        while (true)
        {
            var ready = NativeMethods.EpollWait(_epoll, events, BatchSize, -1);
            for (var i = 0; i < ready; i++)
            {
                var pidfd = (int)Unsafe.ReadUnaligned<long>(events + (i * NativeMethods.EpollEventSize) + NativeMethods.EpollDataOffset);

                // Removed before the pidfd is closed: once closed, its number may come back for a new child.
                if (_watched.TryRemove(pidfd, out var exited))
                {
                    Finish(pidfd, exited);
                }
            }
        }
    }

    private void Finish(int pidfd, Action exited)
    {
        // Removed explicitly: close alone does not remove it while a copy of the descriptor lives on, and one does
        // in every child being spawned at that moment (until it execs). The stale entry, still readable, would
        // then report this number again once it belongs to another child's pidfd.
        NativeMethods.EpollControl(_epoll, NativeMethods.EpollDelete, pidfd, null);
        try
        {
            exited();
        }
        catch (Exception error)
        {
            // This thread reaps every child of the process: a bug in one callback must not end it.
            Console.Error.WriteLine($"krust-pm: reaper error: {error}");
        }
        finally
        {
            NativeMethods.Close(pidfd);
        }
    }
}
