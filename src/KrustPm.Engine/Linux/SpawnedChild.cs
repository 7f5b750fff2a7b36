using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// A child started by <see cref="ChildSpawner"/>, which krust-pm reaps itself: signals go to its process group for
/// as long as its leader has not been reaped (until then a group led by a zombie keeps its id, so it cannot be
/// someone else's), and reaping first kills whatever the leader left in its group.
/// </summary>
/// <param name="pid">The child's pid, which is also its process group's and its session's id.</param>
internal sealed class SpawnedChild(int pid)
{
    private readonly Lock _lock = new();
    private bool _reaped;

    public int Pid => pid;

    /// <summary>
    /// Signals the group (or the leader alone, for <see cref="SignalTarget.Main"/>), unless the leader has been
    /// reaped: from then on its pid may belong to someone else.
    /// </summary>
    public void Signal(int signal, SignalTarget target = SignalTarget.Group)
    {
        lock (_lock)
        {
            if (!_reaped)
            {
                NativeMethods.Kill(target == SignalTarget.Main ? pid : -pid, signal);
            }
        }
    }

    /// <summary>
    /// Kills whatever the leader left in its group (a child that is over leaves no orphans, and that also closes the
    /// last writers of its output pipes), then reaps the leader. Blocks until the leader has exited.
    /// </summary>
    /// <returns>The exit code; 128 + N when killed by signal N (as .NET's Process reports it); -1 if someone else reaped it.</returns>
    public unsafe int Reap()
    {
        lock (_lock)
        {
            NativeMethods.Kill(-pid, Signals.Kill);
            var status = 0;
            while (NativeMethods.WaitPid(pid, &status, 0) < 0)
            {
                if (Marshal.GetLastPInvokeError() != NativeMethods.Eintr)
                {
                    _reaped = true;
                    return -1; // ECHILD: only a waitpid(-1) elsewhere in the process can have taken it.
                }
            }

            _reaped = true;
            var signal = status & 0x7f;
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
        }
    }
}
