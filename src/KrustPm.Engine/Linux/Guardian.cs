using System.Diagnostics;

namespace KrustPm.Engine.Linux;

/// <summary>
/// A tiny <c>sh</c> process, in its own session, that waits for end of file on a pipe from krust-pm. The pipe closes
/// when krust-pm exits or dies (even by SIGKILL); the guardian then kills the process groups listed in a file that
/// krust-pm keeps current, so no instance's grandchildren outlive krust-pm. The list is rewritten at most every
/// 100 ms; an instance's main process is covered from its first instant by its parent-death signal.
/// </summary>
internal sealed class Guardian : IDisposable
{
    private const string Script = """
        exec >/dev/null 2>&1
        cat
        if [ -f "$1" ]; then
          for group in $(cat "$1"); do kill -s KILL -- "-$group"; done
          rm -f "$1"
        fi
        """;

    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly Lock _flushLock = new();
    private readonly HashSet<int> _groups = [];
    private readonly string _file;
    private readonly Process _process;
    private readonly Timer _flush;
    private bool _dirty;
    private bool _disposed;

    public Guardian()
    {
        _file = Path.Combine(Path.GetTempPath(), $"krust-pm-{Environment.ProcessId}-{Guid.NewGuid():N}.groups");
        File.WriteAllText(_file, string.Empty);
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            ArgumentList = { "/bin/sh", "-c", Script, "krust-pm-guardian", _file },
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("The guardian process did not start.");
        _flush = new Timer(_ => Flush(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Adds a process group to kill if krust-pm dies.</summary>
    public void Add(int group) => Change(() => _groups.Add(group));

    /// <summary>Removes a process group that has ended.</summary>
    public void Remove(int group) => Change(() => _groups.Remove(group));

    /// <summary>Closes the pipe: the guardian kills what is still listed (normally nothing) and exits.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _flush.Dispose();
        Flush();
        _process.StandardInput.Close();
        _process.Dispose();
    }

    private void Change(Func<bool> change)
    {
        lock (_lock)
        {
            if (change() && !_dirty && !_disposed)
            {
                _dirty = true;
                _flush.Change(FlushDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// Rewrites the list. Called by the timer and by <see cref="Dispose"/>, possibly at once: the flushes take turns,
    /// and a failure to write (disk full) is not fatal: the next change tries again.
    /// </summary>
    private void Flush()
    {
        lock (_flushLock)
        {
            string list;
            lock (_lock)
            {
                _dirty = false;
                list = string.Join('\n', _groups);
            }

            // Written aside then renamed, so the guardian never reads half a list.
            var next = _file + ".next";
            try
            {
                File.WriteAllText(next, list);
                File.Move(next, _file, overwrite: true);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Instances' main processes still die with krust-pm (parent-death signal); only the list is stale.
            }
        }
    }
}
