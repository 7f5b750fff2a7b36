using System.Runtime.InteropServices;

namespace KrustPm.Host.Cli;

/// <summary>
/// Notices when whoever reads krust-pm's standard output goes away (<c>krust-pm events | head -3</c> once head has
/// its lines): the write end of a pipe whose read end is closed polls <c>POLLERR</c>. A follow then ends quietly with
/// exit code 0, as <c>tail -f</c> does, instead of waiting for its next line to fail with EPIPE (which may never come
/// on a quiet stack). A terminal or a file never polls so; a hung-up terminal (<c>POLLHUP</c>) ends it too.
/// </summary>
internal static partial class StdoutReaderGone
{
    private const int StandardOutput = 1;
    private const short PollError = 0x008;
    private const short PollHangUp = 0x010;
    private const int Interrupted = 4;

    /// <summary>
    /// Cancels <paramref name="stop"/> once standard output's reader is gone; <see cref="Gone"/> then says so. The watch
    /// runs on a background thread, which the process's exit does not wait for.
    /// </summary>
    public static void Watch(CancellationTokenSource stop)
    {
        var thread = new Thread(() =>
        {
            var fd = new PollFd { Fd = StandardOutput, Events = 0 };
            while (!stop.IsCancellationRequested)
            {
                var ready = Poll(ref fd, 1, -1);
                if (ready < 0 && Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }

                if (ready > 0 && (fd.Revents & (PollError | PollHangUp)) != 0)
                {
                    Gone = true;
                    stop.Cancel();
                }

                return;
            }
        })
        {
            IsBackground = true,
            Name = "stdout reader watch",
        };
        thread.Start();
    }

    /// <summary>Whether standard output's reader went away (a write would fail with EPIPE).</summary>
    public static bool Gone { get => Volatile.Read(ref gone); private set => Volatile.Write(ref gone, value); }

    private static bool gone;

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
