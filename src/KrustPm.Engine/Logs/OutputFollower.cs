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

    /// <summary>The bytes of output dropped for this follower so far because its reader was too slow.</summary>
    public long DroppedBytes => Interlocked.Read(ref _dropped);

    /// <summary>The lines written after this follower started, as they come; ends when disposed or cancelled.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines, without line ends.</returns>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var splitter = new LineSplitter();
        while (await _items.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // A reader that has left stops here, rather than decoding a backlog nobody will read.
            while (!cancellationToken.IsCancellationRequested && _items.Reader.TryRead(out var item))
            {
                if (item.Chunk is { } chunk)
                {
                    foreach (var line in splitter.Push(chunk))
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

                yield return $"[krust-pm: {dropped} bytes not shown: this reader was too slow; the log file has them]";
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
    internal void Offer(ReadOnlySpan<byte> data)
    {
        byte[]? copy = null;
        Offer(data, ref copy);
    }

    /// <summary>
    /// As <see cref="Offer(ReadOnlySpan{byte})"/>, sharing one copy of the chunk between every follower the writer
    /// offers it to (made by the first that takes it): followers only read their chunks, and a flood of followers
    /// then holds one copy of the output, not one each.
    /// </summary>
    internal void Offer(ReadOnlySpan<byte> data, ref byte[]? sharedCopy)
    {
        lock (_gapLock)
        {
            if (Interlocked.Read(ref _pending) + data.Length > MaxPendingBytes - ReaderBufferBytes)
            {
                Interlocked.Add(ref _dropped, data.Length);
                if (_openGap is null)
                {
                    _openGap = new Gap();
                    _items.Writer.TryWrite(new Item(null, _openGap));
                }

                _openGap.Bytes += data.Length;
                return;
            }

            _openGap = null;
        }

        Interlocked.Add(ref _pending, data.Length);
        sharedCopy ??= data.ToArray();
        _items.Writer.TryWrite(new Item(sharedCopy, null));
    }

    /// <summary>Output dropped for this follower, between the chunks around it.</summary>
    private sealed class Gap
    {
        public long Bytes { get; set; }
    }

    private readonly record struct Item(byte[]? Chunk, Gap? Gap);
}
