namespace KrustPm.Engine.Logs;

/// <summary>
/// Appends bytes to a log file (with <c>O_APPEND</c>) and rotates it by size. Rotation happens at a line boundary
/// whenever the chunk being written has one, so each file holds whole lines. Tools that rotate logs themselves are
/// noticed: at most every <c>checkInterval</c>, a write first checks that the path still names the open file (else,
/// renamed or removed, the file at the path is opened, created if missing) and re-reads its size (a truncation
/// restarts the count toward the size limit); <see cref="Reopen"/> does the same at once. Not thread-safe: the
/// owning <see cref="OutputSink"/> serializes.
/// </summary>
internal sealed class RotatingLogFile(string path, LogPolicy policy, TimeSpan checkInterval) : IDisposable
{
    /// <summary>How often a write checks for a rename or truncation by someone else, by default.</summary>
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromSeconds(1);

    private AppendOnlyFile? _file;
    private FileIdentity? _identity;
    private long _length;
    private long _nextCheck;

    public RotatingLogFile(string path, LogPolicy policy)
        : this(path, policy, DefaultCheckInterval)
    {
    }

    public string Path { get; } = path;

    /// <summary>The sizes it rotates by; a new one applies from the next write (a reload can change it in place).</summary>
    public LogPolicy Policy { get; set; } = policy;

    /// <summary>Whether the file is open now (it opens at the first write).</summary>
    public bool IsOpen => _file is not null;

    /// <summary>
    /// Whether the output so far ends with a newline (or is empty). Opening a file that is not empty reads its last
    /// byte: an earlier run of krust-pm may have stopped in the middle of a line.
    /// </summary>
    public bool AtLineStart { get; private set; } = true;

    /// <summary>Writes a line (ending with its newline) on a line of its own, after a newline if one is missing.</summary>
    /// <param name="line">The line and its newline.</param>
    /// <param name="written">When given, gets where the line's bytes landed (see <see cref="Write"/>).</param>
    public void WriteLine(ReadOnlySpan<byte> line, List<LogSegment>? written = null)
    {
        Open();
        if (!AtLineStart)
        {
            Write("\n"u8);
        }

        Write(line, written);
    }

    /// <summary>Appends bytes, rotating by size at line ends.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="written">
    /// When given, gets one segment per file the bytes landed in: which bytes of <paramref name="data"/>, and where in
    /// which file they start (an extra system call per file, so only asked for when someone follows the output).
    /// </param>
    public void Write(ReadOnlySpan<byte> data, List<LogSegment>? written = null)
    {
        var from = 0;
        while (!data.IsEmpty)
        {
            var file = Open();
            var room = Policy.MaxBytes > 0 ? Policy.MaxBytes - _length : long.MaxValue;
            if (data.Length <= room)
            {
                Append(file, data, from, written);
                return;
            }

            // Fill up to the last newline that fits (or the whole room when a line is longer than a file).
            var fits = data[..(int)Math.Max(0, room)];
            var cut = fits.LastIndexOf((byte)'\n') + 1;
            if (cut == 0 && _length > 0)
            {
                cut = 0; // Nothing fits whole: start a fresh file for this line.
            }
            else if (cut == 0)
            {
                cut = fits.Length;
            }

            Append(file, data[..cut], from, written);
            data = data[cut..];
            from += cut;
            Rotate();
        }
    }

    /// <summary>Closes the file: the next write opens the file then at the path (after a rename by logrotate, a new one).</summary>
    public void Reopen() => Dispose();

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void Append(AppendOnlyFile file, ReadOnlySpan<byte> data, int from, List<LogSegment>? written)
    {
        if (data.IsEmpty)
        {
            return;
        }

        file.Write(data);
        _length += data.Length;
        AtLineStart = data[^1] == (byte)'\n';
        if (written is not null && _identity is { } identity && file.EndOfLastWrite() is >= 0 and var end)
        {
            written.Add(new LogSegment(from, data.Length, identity.At(end - data.Length)));
        }
    }

    private AppendOnlyFile Open()
    {
        if (_file is not null && CheckDue() && Replaced(_file))
        {
            Dispose();
        }

        if (_file is null)
        {
            _file = AppendOnlyFile.Open(Path);
            var identity = _file.Identity();
            _identity = identity;
            _length = identity?.Size ?? 0;
            AtLineStart = _length == 0 || LastByte() == (byte)'\n';
            ScheduleCheck();
        }

        return _file;
    }

    /// <summary>
    /// Whether someone else moved the file away (the path names another file, or none) or truncated it: then the
    /// size counts from what is left, and the next line starts a line.
    /// </summary>
    private bool Replaced(AppendOnlyFile file)
    {
        ScheduleCheck();
        if (file.Identity() is not { } open || AppendOnlyFile.IdentityOf(Path) is not { } atPath || !open.SameFile(atPath))
        {
            return true;
        }

        if (open.Size < _length)
        {
            AtLineStart = open.Size == 0 || LastByte() == (byte)'\n';
        }

        _length = open.Size; // also counts what others appended
        return false;
    }

    private bool CheckDue() => checkInterval == TimeSpan.Zero || Environment.TickCount64 >= _nextCheck;

    private void ScheduleCheck() =>
        _nextCheck = checkInterval >= TimeSpan.FromDays(1) ? long.MaxValue : Environment.TickCount64 + (long)checkInterval.TotalMilliseconds;

    private byte LastByte()
    {
        try
        {
            using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> last = stackalloc byte[1];
            var length = RandomAccess.GetLength(handle);
            return length > 0 && RandomAccess.Read(handle, last, length - 1) == 1 ? last[0] : (byte)'\n';
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return (byte)'\n'; // a character device (/dev/full) or a file gone meanwhile: nothing to end
        }
    }

    private void Rotate()
    {
        Dispose();
        if (Policy.Backups == 0)
        {
            File.Delete(Path);
            return;
        }

        File.Delete(LogFileNames.Rotated(Path, Policy.Backups));
        for (var generation = Policy.Backups - 1; generation >= 0; generation--)
        {
            var from = LogFileNames.Rotated(Path, generation);
            if (File.Exists(from))
            {
                File.Move(from, LogFileNames.Rotated(Path, generation + 1), overwrite: true);
            }
        }
    }
}

/// <summary>Bytes <c>[Start, Start + Length)</c> of a chunk, written at <paramref name="Position"/> of a log file.</summary>
internal readonly record struct LogSegment(int Start, int Length, LogPosition Position);
