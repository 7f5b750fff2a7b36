using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace KrustPm.Engine.Logs;

/// <summary>
/// A live view of one stream of one instance: the lines written after it was created. A follower that reads too
/// slowly never slows the program nor grows without bound: past <see cref="MaxPendingBytes"/> waiting bytes, new
/// output is dropped for this follower (never from the file), and it reads a marker line saying how much it missed,
/// where it missed it. Dispose it to stop following.
/// </summary>
public sealed class OutputFollower : IDisposable
{
    /// <summary>The most bytes waiting to be read before output is dropped for this follower: 1 MiB.</summary>
    public const int MaxPendingBytes = 1024 * 1024;

    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<OutputFollower> _detach;
    private readonly Lock _gapLock = new();
    private long _pending;
    private Gap? _openGap;

    internal OutputFollower(Action<OutputFollower> detach) => _detach = detach;

    /// <summary>The lines written after this follower started, as they come; ends when disposed or cancelled.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines, without line ends.</returns>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var splitter = new LineSplitter();
        while (await _items.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_items.Reader.TryRead(out var item))
            {
                if (item.Chunk is { } chunk)
                {
                    Interlocked.Add(ref _pending, -chunk.Length);
                    foreach (var line in splitter.Push(chunk))
                    {
                        yield return line;
                    }

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
        lock (_gapLock)
        {
            if (Interlocked.Read(ref _pending) + data.Length > MaxPendingBytes)
            {
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
        _items.Writer.TryWrite(new Item(data.ToArray(), null));
    }

    /// <summary>Output dropped for this follower, between the chunks around it.</summary>
    private sealed class Gap
    {
        public long Bytes { get; set; }
    }

    private readonly record struct Item(byte[]? Chunk, Gap? Gap);
}
