namespace KrustPm.Engine.Logs;

/// <summary>
/// Everything written to one stream of one instance, across its tries: the rotating log file, the live followers and
/// the store's listeners. Writes are serialized; a try's output is written only after the previous try's output.
/// </summary>
public sealed class OutputSink : IDisposable
{
    private readonly Lock _lock = new();
    private readonly RotatingLogFile? _file;
    private readonly OutputStore _store;
    private readonly List<OutputFollower> _followers = [];
    private readonly List<LogSegment> _written = [];
    private bool _reportedFailure;
    private bool _midLine;

    internal OutputSink(OutputStore store, string program, long instance, OutputKind stream, LogPolicy policy)
    {
        _store = store;
        Program = program;
        Instance = instance;
        Kind = stream;
        Path = PathOf(store, program, instance, stream, policy);
        Policy = policy;
        if (policy.Enabled && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder && !System.IO.Directory.Exists(folder))
        {
            try
            {
                System.IO.Directory.CreateDirectory(folder); // a stdout_log/stderr_log in a folder of its own
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // The first write fails and is reported (WriteFailed) the same way.
            }
        }

        _file = policy.Enabled ? new RotatingLogFile(Path, policy, store.FileCheckInterval) : null;
    }

    /// <summary>
    /// Where a stream of an instance is written: its program's <see cref="LogPolicy.StdoutPath"/> or
    /// <see cref="LogPolicy.StderrPath"/> (placeholders already expanded for the instance), else
    /// <c>log_dir/NAME.ID.stdout.log</c>. With <see cref="LogPolicy.MergeStderr"/> stderr comes through stdout's file.
    /// </summary>
    internal static string PathOf(OutputStore store, string program, long instance, OutputKind stream, LogPolicy policy) =>
        (stream == OutputKind.Stdout ? policy.StdoutPath : policy.StderrPath) ?? LogFileNames.Current(store.Directory, program, instance, stream);

    /// <summary>How the output is kept: the sizes it rotates by are those of the program's latest settings.</summary>
    public LogPolicy Policy { get; private set; }

    /// <summary>The program.</summary>
    public string Program { get; }

    /// <summary>The instance id.</summary>
    public long Instance { get; }

    /// <summary>The stream.</summary>
    public OutputKind Kind { get; }

    /// <summary>The current log file's path.</summary>
    public string Path { get; }

    /// <summary>The task copying the latest try's output; the next try's copy starts after it.</summary>
    internal Task LastCopy { get; set; } = Task.CompletedTask;

    /// <summary>
    /// Starts following: returns the last <paramref name="tailLines"/> lines and a follower that gets every line
    /// written after them: taken together, with no line missing or repeated in between. A line still being written
    /// is not in the tail: the follower reads it, whole, when it ends.
    /// </summary>
    /// <param name="tailLines">How many lines from the log file to return first.</param>
    /// <param name="tail">Those lines, oldest first.</param>
    /// <returns>The follower; dispose it to stop.</returns>
    public OutputFollower Follow(int tailLines, out IReadOnlyList<string> tail)
    {
        var follower = Follow(tailLines, after: null, out var start);
        tail = [.. start.Lines.Select(l => l.Text)];
        return follower;
    }

    /// <summary>
    /// Starts following, each line with where it ends in the log file (<see cref="LogLine.End"/>, the id a reader
    /// comes back with): from just after <paramref name="after"/> when given and the log still has it (across
    /// rotated files, krust-pm's or logrotate's), else the last <paramref name="tailLines"/> lines; then the follower
    /// gets every line written after those, with none missing or repeated in between.
    /// </summary>
    /// <param name="tailLines">How many lines to return first when not resuming (or when the log no longer has <paramref name="after"/>).</param>
    /// <param name="after">Where a reader stopped: a line id it was given, or <see langword="null"/>.</param>
    /// <param name="start">The lines to give first, and why some may be missing.</param>
    /// <returns>The follower; dispose it to stop.</returns>
    public OutputFollower Follow(int tailLines, LogPosition? after, out FollowStart start)
    {
        lock (_lock)
        {
            var follower = new OutputFollower(Detach);
            string? missed = null;
            if (after is { } position && _file is not null)
            {
                var resumed = LogResume.Read(Path, position);
                if (resumed.Lines is { } lines)
                {
                    foreach (var (chunk, at) in resumed.Unfinished)
                    {
                        follower.Offer(chunk, at);
                    }

                    _followers.Add(follower);
                    start = new FollowStart(lines, resumed.Missed);
                    return follower;
                }

                missed = resumed.Missed;
            }

            IReadOnlyList<LogLine> tail;
            if (_midLine && _file is not null && !_reportedFailure)
            {
                // The file ends inside a line still being written: its start goes to the follower, which gets the
                // rest as it comes, so that the line is read whole and once, not cut in two.
                var lines = LogTail.ReadLines(Path, tailLines < int.MaxValue ? tailLines + 1 : tailLines);
                if (lines.Count > 0)
                {
                    var current = AppendOnlyFile.IdentityOf(Path);
                    LogPosition? partialStart = lines.Count >= 2 && lines[^2].End is { } end && current is { } file && end.IsIn(file.Inode, file.Born)
                        ? end
                        : current?.At(0);
                    follower.Offer(System.Text.Encoding.UTF8.GetBytes(lines[^1].Text), partialStart);
                    lines = [.. lines.Take(lines.Count - 1)];
                }

                tail = lines;
            }
            else
            {
                tail = LogTail.ReadLines(Path, tailLines);
            }

            _followers.Add(follower);
            start = new FollowStart(tail, missed);
            return follower;
        }
    }

    /// <summary>Closes the log file (a later write reopens it).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
        }
    }

    /// <summary>Rotates by new sizes from the next write on (whether output is kept at all is fixed when the sink is made).</summary>
    internal void UsePolicy(LogPolicy policy)
    {
        lock (_lock)
        {
            Policy = policy with { Enabled = Policy.Enabled, StdoutPath = Policy.StdoutPath, StderrPath = Policy.StderrPath };
            _file?.Policy = Policy;
        }
    }

    /// <summary>Closes the log file if it is open; the next write opens the file then at the path.</summary>
    /// <returns>Whether a file was open.</returns>
    internal bool Reopen()
    {
        lock (_lock)
        {
            var open = _file is { IsOpen: true };
            _file?.Reopen();
            return open;
        }
    }

    /// <summary>Writes a chunk of the program's output (each line after a time stamp with <see cref="LogPolicy.Timestamps"/>).</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (Policy.Timestamps && !data.IsEmpty)
            {
                data = Stamped(data);
            }

            if (!data.IsEmpty)
            {
                _midLine = data[^1] != (byte)'\n';
            }

            var positioned = _followers.Count > 0 ? _written : null;
            positioned?.Clear();
            WriteFile(data, written: positioned);
            OfferToFollowers(data, positioned);

            _store.Notify(this, data);
        }
    }

    /// <summary>
    /// Writes krust-pm's own marker line (a try's start or end) to the file and to followers, on a line of its own;
    /// a line the previous try left unfinished ends there, for every live reader. The store's listeners (foreground
    /// mode) get only that line end: krust-pm's own log already says when tries start and end.
    /// </summary>
    internal void Mark(string text)
    {
        lock (_lock)
        {
            if (_midLine)
            {
                // The previous try left a line unfinished: end it for every live reader, as the file does.
                _midLine = false;
                foreach (var follower in _followers)
                {
                    follower.Offer("\n"u8);
                }

                _store.Notify(this, "\n"u8);
            }

            var line = System.Text.Encoding.UTF8.GetBytes(text + "\n");
            var positioned = _followers.Count > 0 ? _written : null;
            positioned?.Clear();
            WriteFile(line, ownLine: true, positioned);
            OfferToFollowers(line, positioned);
        }
    }

    /// <summary>
    /// The chunk with <c>2026-12-05T00:31:02.123Z </c> (ISO 8601, UTC, milliseconds) before each line that starts in
    /// it: the time the line's first bytes reached krust-pm. <c>krust-pm logs --since</c> reads it back.
    /// </summary>
    private byte[] Stamped(ReadOnlySpan<byte> data)
    {
        Span<byte> stamp = stackalloc byte[25];
        var written = System.Text.Encoding.ASCII.GetBytes(
            _store.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z' ", System.Globalization.CultureInfo.InvariantCulture), stamp);
        stamp = stamp[..written];
        var output = new List<byte>(data.Length + (4 * stamp.Length));
        var atLineStart = !_midLine;
        foreach (var b in data)
        {
            if (atLineStart)
            {
                output.AddRange(stamp);
            }

            output.Add(b);
            atLineStart = b == (byte)'\n';
        }

        return [.. output];
    }

    /// <summary>
    /// Gives a chunk to every follower (one copy shared between them), in the pieces it was written in, each with
    /// where it landed in the log file; without a position when the file did not take all of it (no file, a failure).
    /// </summary>
    private void OfferToFollowers(ReadOnlySpan<byte> data, List<LogSegment>? written)
    {
        if (_followers.Count == 0)
        {
            return;
        }

        var covered = 0;
        foreach (var segment in written ?? [])
        {
            covered += segment.Length;
        }

        if (written is null || covered != data.Length)
        {
            byte[]? copy = null;
            foreach (var follower in _followers)
            {
                follower.Offer(data, null, ref copy);
            }

            return;
        }

        foreach (var segment in written)
        {
            byte[]? copy = null;
            var bytes = data.Slice(segment.Start, segment.Length);
            foreach (var follower in _followers)
            {
                follower.Offer(bytes, segment.Position, ref copy);
            }
        }
    }

    private void WriteFile(ReadOnlySpan<byte> data, bool ownLine = false, List<LogSegment>? written = null)
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            if (ownLine)
            {
                _file.WriteLine(data, written);
            }
            else
            {
                _file.Write(data, written);
            }

            _reportedFailure = false;
        }
        catch (IOException error)
        {
            // Disk full, file removed under us...: the bytes are lost for the file, never the program's progress.
            _file.Dispose();
            if (!_reportedFailure)
            {
                _reportedFailure = true;
                _store.ReportError(this, error);
            }
        }
        catch (UnauthorizedAccessException error)
        {
            _file.Dispose();
            if (!_reportedFailure)
            {
                _reportedFailure = true;
                _store.ReportError(this, error);
            }
        }
    }

    private void Detach(OutputFollower follower)
    {
        lock (_lock)
        {
            _followers.Remove(follower);
        }
    }
}
