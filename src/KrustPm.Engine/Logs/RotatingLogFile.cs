namespace KrustPm.Engine.Logs;

/// <summary>
/// Appends bytes to a log file and rotates it by size. Rotation happens at a line boundary whenever the chunk being
/// written has one, so each file holds whole lines. Not thread-safe: the owning <see cref="OutputSink"/> serializes.
/// </summary>
internal sealed class RotatingLogFile(string path, LogPolicy policy) : IDisposable
{
    private FileStream? _file;
    private long _length;

    public string Path { get; } = path;

    /// <summary>The sizes it rotates by; a new one applies from the next write (a reload can change it in place).</summary>
    public LogPolicy Policy { get; set; } = policy;

    /// <summary>
    /// Whether the output so far ends with a newline (or is empty). Opening a file that is not empty reads its last
    /// byte: an earlier run of krust-pm may have stopped in the middle of a line.
    /// </summary>
    public bool AtLineStart { get; private set; } = true;

    /// <summary>Writes a line (ending with its newline) on a line of its own, after a newline if one is missing.</summary>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        Open();
        if (!AtLineStart)
        {
            Write("\n"u8);
        }

        Write(line);
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var file = Open();
            var room = Policy.MaxBytes > 0 ? Policy.MaxBytes - _length : long.MaxValue;
            if (data.Length <= room)
            {
                Append(file, data);
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

            Append(file, data[..cut]);
            data = data[cut..];
            Rotate();
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void Append(FileStream file, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        file.Write(data);
        _length += data.Length;
        AtLineStart = data[^1] == (byte)'\n';
    }

    private FileStream Open()
    {
        if (_file is null)
        {
            _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            _length = _file.Length;
            if (_length > 0)
            {
                AtLineStart = LastByte() == (byte)'\n';
            }
        }

        return _file;
    }

    private byte LastByte()
    {
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> last = stackalloc byte[1];
        return RandomAccess.Read(handle, last, _length - 1) == 1 ? last[0] : (byte)'\n';
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
