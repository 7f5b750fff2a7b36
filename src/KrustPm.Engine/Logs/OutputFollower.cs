using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace KrustPm.Engine.Logs;

/// <summary>
/// A live view of one stream of one instance: the lines written after it was created. A follower that reads too
/// slowly never slows the program nor grows without bound: past <see cref="MaxPendingBytes"/> waiting bytes, new
/// output is dropped for this follower (never from the file), and it reads a marker line saying how much it missed.
/// Dispose it to stop following.
/// </summary>
public sealed class OutputFollower : IDisposable
{
    /// <summary>The most bytes waiting to be read before output is dropped for this follower: 1 MiB.</summary>
    public const int MaxPendingBytes = 1024 * 1024;

    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<OutputFollower> _detach;
    private long _pending;
    private long _dropped;

    internal OutputFollower(Action<OutputFollower> detach) => _detach = detach;

    /// <summary>The lines written after this follower started, as they come; ends when disposed or cancelled.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines, without line ends.</returns>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var splitter = new LineSplitter();
        while (await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_chunks.Reader.TryRead(out var chunk))
            {
                Interlocked.Add(ref _pending, -chunk.Length);
                foreach (var line in splitter.Push(chunk))
                {
                    yield return line;
                }
            }

            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
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
        _chunks.Writer.TryComplete();
    }

    /// <summary>Called by the writer (under its lock): queue a copy of the chunk, or count it as dropped.</summary>
    internal void Offer(ReadOnlySpan<byte> data)
    {
        if (Interlocked.Read(ref _pending) + data.Length > MaxPendingBytes)
        {
            Interlocked.Add(ref _dropped, data.Length);
            _chunks.Writer.TryWrite([]); // wake the reader so it reports the gap
            return;
        }

        Interlocked.Add(ref _pending, data.Length);
        _chunks.Writer.TryWrite(data.ToArray());
    }
}
