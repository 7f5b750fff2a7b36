using System.Collections.Concurrent;

namespace KrustPm.Engine.Logs;

/// <summary>
/// The output of every instance: one <see cref="OutputSink"/> per instance and stream, writing rotating log files
/// in one directory (see <see cref="LogFileNames"/>). Thread-safe.
/// </summary>
public sealed class OutputStore : IDisposable
{
    private readonly ConcurrentDictionary<(string Program, long Instance, OutputKind Stream), OutputSink> _sinks = new();

    /// <summary>Creates a store writing into <paramref name="directory"/> (created if missing).</summary>
    /// <param name="directory">The log directory.</param>
    public OutputStore(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>Raised (on the copying thread, under the sink's lock) for every chunk of output. Must be quick.</summary>
    public event Action<OutputSink, ReadOnlyMemory<byte>>? Written;

    /// <summary>Raised when a log file cannot be written (disk full, permissions); once until writes succeed again.</summary>
    public event Action<OutputSink, Exception>? WriteFailed;

    /// <summary>The log directory (absolute).</summary>
    public string Directory { get; }

    /// <summary>How often each log file checks that it has not been renamed or truncated by another tool.</summary>
    internal TimeSpan FileCheckInterval { get; init; } = RotatingLogFile.DefaultCheckInterval;

    /// <summary>The clock of <see cref="LogPolicy.Timestamps"/> (the system's, or a test's).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Checks that the directory can be written, by creating and deleting a file in it.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>Why it cannot be used, or <see langword="null"/> when it can.</returns>
    public static string? CheckWritable(string directory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var probe = System.IO.Path.Combine(directory, $".krust-pm-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return error.Message;
        }
    }

    /// <summary>The sink of one stream of one instance, created on first use.</summary>
    /// <param name="program">The program.</param>
    /// <param name="instance">The instance id.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="policy">How the output is kept: whether at all when the sink is created; the sizes from now on.</param>
    /// <returns>The sink.</returns>
    public OutputSink Sink(string program, long instance, OutputKind stream, LogPolicy policy)
    {
        var key = (program, instance, stream);
        var sink = _sinks.GetOrAdd(key, k => new OutputSink(this, k.Program, k.Instance, k.Stream, policy));
        if (sink.Path != OutputSink.PathOf(this, program, instance, stream, policy))
        {
            // stdout_log/stderr_log changed (a reload): the instance's next try writes to the new file.
            var moved = new OutputSink(this, program, instance, stream, policy);
            _sinks[key] = moved;
            sink.Dispose();
            return moved;
        }

        if (sink.Policy.MaxBytes != policy.MaxBytes || sink.Policy.Backups != policy.Backups || sink.Policy.Timestamps != policy.Timestamps)
        {
            sink.UsePolicy(policy);
        }

        return sink;
    }

    /// <summary>
    /// New sizes for every sink of a program (its settings changed in place, by a reload): each rotates by them from
    /// its next write (a file already past the new size is rotated before that write).
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="policy">Its new policy (<see cref="LogPolicy.MaxBytes"/> and <see cref="LogPolicy.Backups"/> apply).</param>
    public void ApplyPolicy(string program, LogPolicy policy)
    {
        foreach (var (key, sink) in _sinks)
        {
            if (key.Program == program)
            {
                sink.UsePolicy(policy);
            }
        }
    }

    /// <summary>The sink of one stream of one instance, if it was ever written in this run of krust-pm.</summary>
    /// <param name="program">The program.</param>
    /// <param name="instance">The instance id.</param>
    /// <param name="stream">The stream.</param>
    /// <returns>The sink, or <see langword="null"/>.</returns>
    public OutputSink? Find(string program, long instance, OutputKind stream) =>
        _sinks.TryGetValue((program, instance, stream), out var sink) ? sink : null;

    /// <summary>The current log file of one stream of one instance (its <c>stdout_log</c>/<c>stderr_log</c> once it has written).</summary>
    /// <param name="program">The program.</param>
    /// <param name="instance">The instance id.</param>
    /// <param name="stream">The stream.</param>
    /// <returns>The path (the file may not exist).</returns>
    public string PathOf(string program, long instance, OutputKind stream) =>
        Find(program, instance, stream)?.Path ?? LogFileNames.Current(Directory, program, instance, stream);

    /// <summary>
    /// Closes every open log file, so that the next write to each opens the file then at its path: after a tool such
    /// as logrotate renamed the files, krust-pm writes to new ones (what SIGUSR1 and <c>POST /api/v1/logs/reopen</c>
    /// do). Files are also checked for a rename or truncation on their own, about once a second, as they are written.
    /// </summary>
    /// <returns>How many files were open.</returns>
    public int ReopenFiles() => _sinks.Values.Count(sink => sink.Reopen());

    /// <summary>
    /// Forgets the sinks of an instance that is gone for good (removed, or its program removed): their files are
    /// closed once the last output copied into them has been written (the exit marker included), so that a krust-pm
    /// that scales up and down for months does not keep a descriptor per instance it ever had. Followers of them get
    /// no more lines.
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="instance">The instance id, or <see langword="null"/> for every instance of the program.</param>
    /// <returns>How many sinks were forgotten.</returns>
    public int Forget(string program, long? instance = null)
    {
        // One instance is two lookups (it is called on the engine loop, once per removed instance, however many sinks
        // there are); a whole program, rarer, is a pass over them.
        var keys = instance is { } id
            ? [(program, id, OutputKind.Stdout), (program, id, OutputKind.Stderr)]
            : _sinks.Keys.Where(key => key.Program == program).ToList();
        var forgotten = 0;
        foreach (var key in keys)
        {
            if (_sinks.TryRemove(key, out var sink))
            {
                forgotten++;
                _ = sink.LastCopy.ContinueWith(_ => sink.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }

        return forgotten;
    }

    /// <summary>Closes every log file.</summary>
    public void Dispose()
    {
        foreach (var sink in _sinks.Values)
        {
            sink.Dispose();
        }
    }

    internal void Notify(OutputSink sink, ReadOnlySpan<byte> data)
    {
        if (Written is { } written)
        {
            written(sink, data.ToArray());
        }
    }

    internal void ReportError(OutputSink sink, Exception error) => WriteFailed?.Invoke(sink, error);
}
