using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Linux;

/// <summary>
/// A tiny process, in its own session, that outlives krust-pm by a moment and kills what krust-pm started, grandchildren
/// included. krust-pm tells it on a pipe, one line per change, before each change can matter (see
/// docs/architecture.md, "When krust-pm dies"):
/// <list type="bullet">
/// <item><c>?pipe:[I] pipe:[J]</c> just before a spawn: the new child will hold these pipes as its stdout and stderr;</item>
/// <item><c>+PGID</c> when the spawn has returned (the child leads group PGID), or <c>!</c> when it failed;</item>
/// <item><c>-PGID</c> once that group has been sent SIGKILL;</item>
/// <item><c>=</c> when krust-pm exits cleanly (it removes its cgroup tree itself).</item>
/// </list>
/// The guardian (<c>awk</c> under <c>sh</c>) keeps the set of groups and the spawn in flight. When the pipe reaches end
/// of file, because krust-pm exited or died (even by SIGKILL), it sends SIGKILL to every group still listed, and to
/// every process holding the in-flight spawn's pipes (with its group): that child has no parent-death signal yet
/// (setpriv sets it only after its own start-up) and krust-pm did not live to learn its pid. Then it exits.
/// </summary>
/// <remarks>
/// Why this is enough (measured on Linux 6.18): a process group id stays valid, and its number cannot be handed out as
/// a new pid, while any member lives, zombies included; a group sent SIGKILL is doomed (no member runs user code
/// again, and a member forking at that moment has its child killed too); and a pipe's inode number is never reused
/// (pipefs numbers only grow), so only the child and what inherited from it can hold that pipe. A group is removed
/// after its SIGKILL and before its leader is reaped, so no later <c>+PGID</c> of the same number can come first; the
/// guardian counts anyway (a group leaves when its removals match its additions), for the fallback launcher, which can
/// only remove a group after the runtime has reaped its leader. Each line is one write(2) of under PIPE_BUF bytes:
/// atomic, cheap, never half-read.
/// </remarks>
internal sealed partial class Guardian : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();

    // What the guardian knows, kept to be replayed to a new one: how many times each group was added and not yet
    // removed, and the spawn in flight (its `?` line), if any.
    private readonly Dictionary<int, int> _groups = [];
    private readonly string _awk;
    private readonly string _ls;
    private readonly CgroupTree? _cgroups;
    private byte[]? _pending;
    private Process? _process;
    private SafePipeHandle? _pipe;
    private DateTime _nextStart;
    private bool _disposed;
    private bool _clean;

    /// <summary>Starts the guardian.</summary>
    /// <param name="cgroups">krust-pm's cgroup tree, which the guardian kills when krust-pm dies; <see langword="null"/>: none.</param>
    /// <exception cref="PlatformNotSupportedException">No <c>awk</c> or no <c>ls</c>.</exception>
    public Guardian(CgroupTree? cgroups = null)
    {
        _awk = Find(AwkPaths);
        _ls = Find(LsPaths);
        _cgroups = cgroups;
        (_process, _pipe) = Start(_awk, _ls, _cgroups);
    }

    /// <summary>The guardian's pid (0 while there is none).</summary>
    public int ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _process?.Id ?? 0;
            }
        }
    }

    /// <summary>
    /// Announces a spawn, just before it: the child will hold these pipe write ends as its stdout and stderr. Settled by
    /// <see cref="Add"/> or <see cref="SpawnFailed"/>, which must follow before the next spawn. Never throws.
    /// </summary>
    public void Spawning(int stdoutWrite, int stderrWrite)
    {
        var line = new StringBuilder("?");
        if (!TryAppendTarget(line, stdoutWrite) || !TryAppendTarget(line.Append(' '), stderrWrite))
        {
            return; // cannot happen for pipes; then the spawn is covered from its Add on only
        }

        var bytes = Encoding.ASCII.GetBytes(line.Append('\n').ToString());
        lock (_lock)
        {
            _pending = bytes;
            Tell(bytes);
        }
    }

    /// <summary>The announced spawn failed (nothing was started). Never throws.</summary>
    public void SpawnFailed()
    {
        lock (_lock)
        {
            if (_pending is not null)
            {
                _pending = null;
                Tell("!\n"u8);
            }
        }
    }

    /// <summary>Adds a process group to kill if krust-pm dies; settles an announced spawn. Never throws.</summary>
    public void Add(int group) => Change(group, +1);

    /// <summary>
    /// Removes a process group that has been sent SIGKILL. Call it before the group's leader is reaped (the number is
    /// then still taken), or, where that is impossible, as soon after as possible. Never throws.
    /// </summary>
    public void Remove(int group) => Change(group, -1);

    /// <summary>
    /// krust-pm exits cleanly: when the pipe closes, the guardian is to leave the cgroup tree alone (krust-pm still
    /// lives in it, and removes it itself). Never throws.
    /// </summary>
    public void ExitingCleanly()
    {
        lock (_lock)
        {
            if (_cgroups is not null && !_clean)
            {
                _clean = true;
                Tell("=\n"u8);
            }
        }
    }

    /// <summary>
    /// Closes the pipe, which is what krust-pm's death looks like to the guardian: it kills the cgroup tree (unless
    /// told <see cref="ExitingCleanly"/>) and what is still listed (normally nothing), and exits.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Stop();
        }
    }

    private void Change(int group, int change)
    {
        Span<byte> line = stackalloc byte[16];
        line = Format(line, change > 0 ? '+' : '-', group);
        lock (_lock)
        {
            var count = _groups.GetValueOrDefault(group) + change;
            if (count < 0)
            {
                return; // a group never added: nothing to tell
            }

            if (count == 0)
            {
                _groups.Remove(group);
            }
            else
            {
                _groups[group] = count;
            }

            if (change > 0)
            {
                _pending = null;
            }

            Tell(line);
        }
    }

    /// <summary>Writes a line (under the lock: lines reach the guardian in the order they change its state).</summary>
    private void Tell(ReadOnlySpan<byte> line)
    {
        if (!_disposed && (_pipe is null || !TryWrite(_pipe, line)))
        {
            Restart(); // the state already includes this line's change: the replay carries it
        }
    }

    /// <summary>
    /// The guardian is gone (someone killed it, or it could not be started): a new one gets the whole state, so that
    /// krust-pm stays covered. Tried at most once a second; until then, instances' main processes still have their
    /// parent-death signal.
    /// </summary>
    private void Restart()
    {
        var now = DateTime.UtcNow;
        if (now < _nextStart)
        {
            return;
        }

        _nextStart = now + RetryDelay;
        Stop();
        try
        {
            (_process, _pipe) = Start(_awk, _ls, _cgroups);
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"krust-pm: cannot start the guardian process (which cleans up if krust-pm dies): {error.Message}");
            return;
        }

        Console.Error.WriteLine("krust-pm: the guardian process (which cleans up if krust-pm dies) was gone; started a new one");
        Span<byte> line = stackalloc byte[16];
        foreach (var (group, count) in _groups)
        {
            for (var i = 0; i < count; i++)
            {
                _ = TryWrite(_pipe, Format(line, '+', group));
            }
        }

        if (_pending is not null)
        {
            _ = TryWrite(_pipe, _pending);
        }

        if (_clean)
        {
            _ = TryWrite(_pipe, "=\n"u8);
        }
    }

    /// <summary>Closes krust-pm's end of the pipe; the runtime reaps the guardian (started with <see cref="Process"/>).</summary>
    private void Stop()
    {
        _pipe?.Dispose();
        _process?.Dispose();
        _pipe = null;
        _process = null;
    }

    private static Span<byte> Format(Span<byte> buffer, char change, int group)
    {
        buffer[0] = (byte)change;
        group.TryFormat(buffer[1..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        buffer[digits + 1] = (byte)'\n';
        return buffer[..(digits + 2)];
    }

    /// <summary>Appends what /proc shows for one of krust-pm's file descriptors (<c>pipe:[INODE]</c> for a pipe).</summary>
    private static unsafe bool TryAppendTarget(StringBuilder line, int fd)
    {
        var target = stackalloc byte[64];
        var length = ReadLink($"/proc/self/fd/{fd}", target, 64);
        if (length is <= 0 or >= 64)
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(target, (int)length);
        line.Append(text);
        return text.StartsWith("pipe:[", StringComparison.Ordinal);
    }

    private static unsafe bool TryWrite(SafePipeHandle pipe, ReadOnlySpan<byte> line)
    {
        fixed (byte* bytes = line)
        {
            while (true)
            {
                // Never partly written: a pipe takes up to PIPE_BUF (4096) bytes at once or none.
                var written = Write(pipe, bytes, line.Length);
                if (written == line.Length)
                {
                    return true;
                }

                if (written >= 0 || Marshal.GetLastPInvokeError() != NativeMethods.Eintr)
                {
                    return false; // EPIPE: the guardian has exited
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(SafePipeHandle fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint ReadLink(string path, byte* buffer, nint size);
}
