using System.Globalization;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;

namespace KrustPm.Host.Api;

/// <summary>
/// Counts the open streams (log followers and event streams) against <c>max_streams</c>: each holds a connection and
/// up to about 1 MiB of memory while its client does not read, so their number is what bounds krust-pm's memory under
/// a flood of them. One more is refused with 503 and <c>Retry-After</c>.
/// </summary>
internal sealed class StreamSlots(KrustConfig config, StreamMemory memory)
{
    /// <summary>What a refused client is told to wait before asking again, in seconds.</summary>
    public const int RetryAfterSeconds = 10;

    private readonly Lock _lock = new();
    private readonly HashSet<OpenStream> _open = [];

    /// <summary>The streams open now.</summary>
    public IReadOnlyList<OpenStream> Open
    {
        get
        {
            lock (_lock)
            {
                return [.. _open];
            }
        }
    }

    /// <summary>Takes a slot for a stream of <paramref name="context"/>'s request, or answers why not (503).</summary>
    public (OpenStream? Stream, IResult? Refusal) TryOpen(HttpContext context, string what)
    {
        lock (_lock)
        {
            if (_open.Count < config.MaxStreams)
            {
                var stream = new OpenStream(this, what, context.Connection.RemotePort);
                _open.Add(stream);
                context.Response.RegisterForDispose(stream);
                return (stream, null);
            }
        }

        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return (null, Problems.Busy(
            $"krust-pm already serves {config.MaxStreams} log followers and event streams (max_streams); try again once one has closed."));
    }

    internal void Close(OpenStream stream)
    {
        bool removed;
        lock (_lock)
        {
            removed = _open.Remove(stream);
        }

        if (removed && stream.Follower is { } follower)
        {
            memory.Released(follower.PendingBytes + ServerSentEventsStream.HeldByResponse);
        }
    }
}

/// <summary>One open stream: what it serves and what it has handed to its response, for its slot and for diagnostics.</summary>
internal sealed class OpenStream(StreamSlots slots, string what, int remotePort) : IDisposable
{
    private long _written;
    private int _flushPending;

    /// <summary>What the stream serves, e.g. <c>logs web.0 stdout</c> or <c>events</c>.</summary>
    public string What => what;

    /// <summary>The client's TCP port (0 over a Unix socket).</summary>
    public int RemotePort => remotePort;

    /// <summary>The log follower feeding the stream, for a log stream.</summary>
    public OutputFollower? Follower { get; set; }

    /// <summary>The bytes handed to the response so far (headers excluded).</summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>Whether the stream waits for its client to take what was written (its writer is blocked).</summary>
    public bool FlushPending => Volatile.Read(ref _flushPending) != 0;

    public void Dispose() => slots.Close(this);

    internal void Writing(int bytes)
    {
        Interlocked.Add(ref _written, bytes);
        Volatile.Write(ref _flushPending, 1);
    }

    internal void Flushed() => Volatile.Write(ref _flushPending, 0);
}
