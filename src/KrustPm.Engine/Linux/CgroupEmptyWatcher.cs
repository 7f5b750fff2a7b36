using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Calls back once a cgroup is empty (<c>populated 0</c> in its <c>cgroup.events</c>). The kernel signals a change
/// of that file to poll(2) as POLLPRI; one thread, for the whole process, waits for them in epoll_wait(2), so an
/// instance whose processes are still dying after <c>cgroup.kill</c> holds no thread. Reading the file again from its
/// start re-arms the notification.
/// </summary>
internal sealed unsafe class CgroupEmptyWatcher
{
    private const uint EpollPri = 2;
    private const int BatchSize = 16;

    private static readonly Lazy<CgroupEmptyWatcher> SharedWatcher = new(() => new CgroupEmptyWatcher());

    private readonly ConcurrentDictionary<int, Action> _watched = new();
    private readonly int _epoll;

    private CgroupEmptyWatcher()
    {
        _epoll = NativeMethods.EpollCreate(NativeMethods.CloseOnExec);
        if (_epoll >= 0)
        {
            new Thread(Run) { IsBackground = true, Name = "krust-pm cgroup watcher" }.Start();
        }
    }

    /// <summary>The process-wide watcher.</summary>
    public static CgroupEmptyWatcher Shared => SharedWatcher.Value;

    /// <summary>
    /// Calls <paramref name="empty"/> once <paramref name="cgroup"/> holds no live process: at once, on this thread,
    /// when it is already empty (or gone), else later on the watcher's thread.
    /// </summary>
    public void WhenEmpty(string cgroup, Action empty)
    {
        var fd = CgroupFiles.OpenForReading(Path.Combine(cgroup, "cgroup.events"));
        if (fd < 0)
        {
            empty(); // the cgroup is gone: nothing can be left in it
            return;
        }

        _watched[fd] = empty;
        var entry = stackalloc byte[16];
        Unsafe.WriteUnaligned(entry, EpollPri);
        Unsafe.WriteUnaligned(entry + NativeMethods.EpollDataOffset, (long)fd);
        if (_epoll < 0 || NativeMethods.EpollControl(_epoll, NativeMethods.EpollAdd, fd, entry) != 0)
        {
            // No epoll (out of memory or watches): the run is reported over once the file says so, read in a loop.
            _watched.TryRemove(fd, out _);
            while (CgroupFiles.ReadPopulated(fd) == true)
            {
                Thread.Yield();
            }

            Finish(fd, empty);
            return;
        }

        // Read after the watch is in place: an emptying between the open and here is not missed.
        Check(fd);
    }

    private void Run()
    {
        var events = stackalloc byte[BatchSize * NativeMethods.EpollEventSize];
        while (true)
        {
            var ready = NativeMethods.EpollWait(_epoll, events, BatchSize, -1);
            for (var i = 0; i < ready; i++)
            {
                Check((int)Unsafe.ReadUnaligned<long>(events + (i * NativeMethods.EpollEventSize) + NativeMethods.EpollDataOffset));
            }
        }
    }

    /// <summary>Reads the file (which re-arms it); once it says empty, the callback runs, exactly once.</summary>
    private void Check(int fd)
    {
        if (CgroupFiles.ReadPopulated(fd) != true && _watched.TryRemove(fd, out var empty))
        {
            NativeMethods.EpollControl(_epoll, NativeMethods.EpollDelete, fd, null);
            Finish(fd, empty);
        }
    }

    private static void Finish(int fd, Action empty)
    {
        NativeMethods.Close(fd);
        try
        {
            empty();
        }
        catch (Exception error)
        {
            // This thread serves every instance: a bug in one callback must not end it.
            Console.Error.WriteLine($"krust-pm: cgroup watcher error: {error}");
        }
    }
}
