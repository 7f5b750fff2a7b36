using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace KrustPm.Engine.Logs;

/// <summary>
/// A live view of one stream of one instance: the lines written after it was created. A follower that reads too
/// slowly never slows the program nor grows without bound: it holds at most <see cref="MaxPendingBytes"/> of output
/// (what waits to be read, the chunk being read, and <see cref="ReaderBufferBytes"/> its reader may keep), past which
/// new output is dropped for this follower (never from the file), and it reads a marker line saying how much it
/// missed, where it missed it. Dispose it to stop following.
/// </summary>
public sealed class OutputFollower : IDisposable
{
    /// <summary>
    /// The most bytes of output held for this follower's reader, its <see cref="ReaderBufferBytes"/> included, before
    /// output is dropped for it: 1 MiB.
    /// </summary>
    public const int MaxPendingBytes = 1024 * 1024;

    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<OutputFollower> _detach;
    private readonly Lock _gapLock = new();
    private long _pending;
    private long _dropped;
    private long _peak;
    private int _readerBufferBytes;
    private Gap? _openGap;

    internal OutputFollower(Action<OutputFollower> detach) => _detach = detach;

    /// <summary>
    /// Bytes the reader may hold after reading lines (a network send buffer, say). They count in
    /// <see cref="MaxPendingBytes"/>, so the follower queues that much less; from 0 (the default) to half of it.
    /// </summary>
    public int ReaderBufferBytes
    {
        get => Volatile.Read(ref _readerBufferBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPendingBytes / 2);
            Volatile.Write(ref _readerBufferBytes, value);
        }
    }

    /// <summary>The bytes of output this follower holds: waiting to be read, and the chunk whose lines are being read.</summary>
    public long PendingBytes => Interlocked.Read(ref _pending);

    /// <summary>The most output this follower has held at once: what it pinned in memory at worst.</summary>
    public long PeakPendingBytes => Volatile.Read(ref _peak);

    /// <summary>The bytes of output dropped for this follower so far because its reader was too slow.</summary>
    public long DroppedBytes => Interlocked.Read(ref _dropped);

    /// <summary>The lines written after this follower started, as they come; ends when disposed or cancelled.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines, without line ends.</returns>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var line in ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return line.Text;
        }
    }

    /// <summary>
    /// The lines written after this follower started, as they come, each with where it ends in the log file (its id
    /// for a reader that resumes); ends when disposed or cancelled.
    /// </summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines; krust-pm's note of output dropped for a slow reader has no position.</returns>
    public async IAsyncEnumerable<LogLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var splitter = new PositionedLineSplitter();
        var lines = new List<LogLine>();
        while (await _items.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // A reader that has left stops here, rather than decoding a backlog nobody will read.
            while (!cancellationToken.IsCancellationRequested && _items.Reader.TryRead(out var item))
            {
                if (item.Chunk is { } chunk)
                {
                    lines.Clear();
                    splitter.Push(chunk, item.Start, lines);
                    foreach (var line in lines)
                    {
                        yield return line;
                    }

                    // Counted until its lines are taken: a reader that writes each line before asking for the next
                    // still holds them until then.
                    Interlocked.Add(ref _pending, -chunk.Length);
                    continue;
                }

                long dropped;
                lock (_gapLock)
                {
                    // Output dropped from now on opens a new gap, reported after whatever is queued before it.
                    dropped = item.Gap!.Bytes;
                    if (_openGap == item.Gap)
                    {
                        _openGap = null;
                    }
                }

                if (splitter.Finish() is { } partial)
                {
                    yield return partial;
                }

                yield return new LogLine($"[krust-pm: {dropped} bytes not shown: this reader was too slow; the log file has them]", null);
            }
        }
    }

    /// <summary>Stops following.</summary>
    public void Dispose()
    {
        _detach(this);
        _items.Writer.TryComplete();
    }

    /// <summary>
    /// Called by the writer (under its lock): queue a copy of the chunk, or count it as dropped in the gap at the end
    /// of the queue, so that the reader reports the gap where it happened.
    /// </summary>
    internal void Offer(ReadOnlySpan<byte> data, LogPosition? start = null)
    {
        byte[]? copy = null;
        Offer(data, start, ref copy);
    }

    /// <summary>
    /// As <see cref="Offer(ReadOnlySpan{byte}, LogPosition?)"/>, sharing one copy of the chunk between every follower the writer
    /// offers it to (made by the first that takes it): followers only read their chunks, and a flood of followers
    /// then holds one copy of the output, not one each.
    /// </summary>
    internal void Offer(ReadOnlySpan<byte> data, LogPosition? start, ref byte[]? sharedCopy)
    {
        lock (_gapLock)
        {
            if (Interlocked.Read(ref _pending) + data.Length > MaxPendingBytes - ReaderBufferBytes)
            {
                Interlocked.Add(ref _dropped, data.Length);
                if (_openGap is null)
                {
                    _openGap = new Gap();
                    _items.Writer.TryWrite(new Item(null, null, _openGap));
                }

                _openGap.Bytes += data.Length;
                return;
            }

            _openGap = null;
        }

        var pending = Interlocked.Add(ref _pending, data.Length);
        if (pending > Volatile.Read(ref _peak))
        {
            Volatile.Write(ref _peak, pending); // only the writer raises it, under its lock
        }

        sharedCopy ??= data.ToArray();
        _items.Writer.TryWrite(new Item(sharedCopy, start, null));
    }

    /// <summary>Output dropped for this follower, between the chunks around it.</summary>
    private sealed class Gap
    {
        public long Bytes { get; set; }
    }

    /// <summary>A chunk of output and where it starts in the log file (when known), or a gap.</summary>
    private readonly record struct Item(byte[]? Chunk, LogPosition? Start, Gap? Gap);
}
