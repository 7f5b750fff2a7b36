using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Journal;

/// <summary>
/// A journal in a folder of segment files (<see cref="JournalSegments"/>), one JSON line per event
/// (<see cref="JournalLines"/>). Each segment begins with a snapshot of the state, so older segments can be deleted
/// and a restart reads only the newest one. Every batch is one write; nothing is synced unless
/// <see cref="FileJournalOptions.Sync"/> asks for it. A write that fails (disk full, folder gone) is counted and
/// reported through <see cref="Health"/> and <see cref="Failed"/>; the engine goes on, and the journal begins a new
/// segment (with a snapshot, so nothing before it is needed) once it can write again.
/// </summary>
public sealed partial class FileJournal : IJournal, IDisposable
{
    /// <summary>The format's version, written in every segment's header.</summary>
    public const int Schema = 1;

    private readonly string _directory;
    private readonly FileJournalOptions _options;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly Lock _lock = new();
    private SafeFileHandle? _file;
    private long _segment;
    private long _size;
    private long _dropped;
    private string? _lastError;
    private int _retryIn;
    private int _retryEvery = 1;

    private FileJournal(string directory, FileJournalOptions options)
    {
        _directory = directory;
        _options = options;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Raised (on the engine loop) when a write fails after writes worked, with the error; once per episode.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Raised (on the engine loop) when writing works again after a failure, with how many records were lost.</summary>
    public event Action<long>? Recovered;

    /// <summary>The folder.</summary>
    public string Directory => _directory;

    /// <summary>Whether the journal writes, and what it lost.</summary>
    public JournalHealth Health
    {
        get
        {
            lock (_lock)
            {
                return new JournalHealth(_file is not null, _dropped, _lastError, _file is null ? null : JournalSegments.PathOf(_directory, _segment));
            }
        }
    }

    /// <summary>
    /// Opens a journal folder for writing: creates it if needed, and begins a new segment whose snapshot is
    /// <paramref name="start"/> (the state the engine starts from). Throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> when the folder cannot be written.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">How to write.</param>
    /// <param name="start">The state the engine starts from: the new segment's snapshot.</param>
    /// <returns>The journal.</returns>
    public static FileJournal Open(string directory, FileJournalOptions options, EngineState start)
    {
        System.IO.Directory.CreateDirectory(directory);
        var journal = new FileJournal(directory, options);
        journal._segment = JournalSegments.List(directory) is [.., var last] ? last.Number : 0;
        journal.BeginSegment(start, DateTimeOffset.UtcNow);
        return journal;
    }

    /// <inheritdoc/>
    public void Append(IReadOnlyList<JournalRecord> records, EngineState after)
    {
        lock (_lock)
        {
            if (_file is null && !TryRecover(after, records.Count))
            {
                return;
            }

            try
            {
                _buffer.ResetWrittenCount();
                foreach (var record in records)
                {
                    JournalLines.Write(_buffer, _json, record);
                }

                Write(_buffer.WrittenSpan);
                if (_size >= _options.MaxSegmentBytes)
                {
                    Close();
                    BeginSegment(after, records[^1].Event.At);
                    DeleteOldSegments();
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                Fail(error, records.Count);
            }
        }
    }

    /// <summary>Closes the current segment.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            Close();
            _json.Dispose();
        }
    }

    private void BeginSegment(EngineState state, DateTimeOffset at)
    {
        _segment++;
        var path = JournalSegments.PathOf(_directory, _segment);
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _size = 0;
        _buffer.ResetWrittenCount();
        JournalLines.WriteHeader(_buffer, _json, new SegmentHeader("krust-pm", Schema, _segment, at, state));
        Write(_buffer.WrittenSpan);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(_file!, bytes, _size);
        _size += bytes.Length;
        if (_options.Sync is JournalSync.Batch)
        {
            RandomAccess.FlushToDisk(_file!);
        }
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }

    private void DeleteOldSegments()
    {
        var segments = JournalSegments.List(_directory);
        foreach (var (_, path) in segments.Take(Math.Max(0, segments.Count - _options.MaxSegments)))
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // An old segment that cannot be deleted only costs disk space; the next rotation tries again.
            }
        }
    }
}
