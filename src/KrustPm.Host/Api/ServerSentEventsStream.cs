using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.Features;

namespace KrustPm.Host.Api;

/// <summary>
/// Writes Server-Sent Events (formatted by <see cref="SseFormatter"/>) and waits for each to be flushed before taking
/// the next: Kestrel then holds at most <see cref="Hosting.KrustPmApp.ResponseBufferBytes"/> of a response its client
/// does not read, and the source of the events (a log follower, an event queue) keeps the rest within its own bound.
/// Ends when the client leaves or krust-pm stops; frees the stream's slot.
/// </summary>
internal sealed class ServerSentEventsStream(OpenStream stream, IAsyncEnumerable<SseItem<string>> items, CancellationToken ends) : IResult
{
    /// <summary>
    /// What a response may hold beyond its source: Kestrel's buffer, plus the one event being written when the writer
    /// is made to wait (a line is at most <see cref="Engine.Logs.LineSplitter.MaxLineBytes"/>).
    /// </summary>
    public const int HeldByResponse = Hosting.KrustPmApp.ResponseBufferBytes + Engine.Logs.LineSplitter.MaxLineBytes;

    /// <summary>
    /// How long a client waits before reconnecting, sent as the stream's first field so that every EventSource client
    /// agrees instead of each using its own default.
    /// </summary>
    public const int RetryMilliseconds = 3000;

    private static readonly byte[] RetryField = System.Text.Encoding.ASCII.GetBytes($"retry: {RetryMilliseconds}\n\n");

    public async Task ExecuteAsync(HttpContext context)
    {
        using (stream)
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache,no-store";
            response.Headers.Pragma = "no-cache";
            response.Headers.ContentEncoding = "identity";

            // nginx (and proxies that follow it) would otherwise hold the events back to fill its buffer.
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return; // the headers say what a GET would stream; a HEAD asks for nothing more
            }

            try
            {
                // The headers go out now, not with the first event, which may be a long time coming: a client knows at
                // once that it is subscribed, and does not time out waiting for an answer.
                await response.Body.WriteAsync(RetryField, ends);
                await response.Body.FlushAsync(ends);
                var body = new FlushEachWrite(response.Body, stream);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(ends);
                var heartbeat = HeartbeatAsync(body, context.RequestServices.GetService<StreamHeartbeat>() ?? StreamHeartbeat.Default, done.Token);
                try
                {
                    await SseFormatter.WriteAsync(items, body, ends);
                }
                finally
                {
                    // No write may follow the end of the response.
                    await done.CancelAsync();
                    await heartbeat;
                }
            }
            catch (OperationCanceledException) when (ends.IsCancellationRequested)
            {
                // The client left, or krust-pm stops: the stream simply ends.
            }
        }
    }

    /// <summary>
    /// Sends a comment whenever nothing was written for the heartbeat's interval (checked three times per interval,
    /// so an idle stream carries one every 15 to 20 s). <see cref="SseFormatter"/> writes each event in one write, and
    /// <see cref="FlushEachWrite"/> lets one write through at a time, so a comment never lands inside an event.
    /// </summary>
    private static async Task HeartbeatAsync(FlushEachWrite body, StreamHeartbeat heartbeat, CancellationToken done)
    {
        try
        {
            using var timer = new PeriodicTimer(heartbeat.Interval / 3);
            while (await timer.WaitForNextTickAsync(done))
            {
                if (Environment.TickCount64 - body.LastWriteTicks >= (long)heartbeat.Interval.TotalMilliseconds)
                {
                    await body.WriteAsync(StreamHeartbeat.Comment, done);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended.
        }
        catch (IOException)
        {
            // The client went away: the events' own write finds out too.
        }
    }

    /// <summary>A write-only view of the response that flushes every write and counts what it hands over.</summary>
    private sealed class FlushEachWrite(Stream inner, OpenStream stream) : Stream
    {
        /// <summary>One write at a time: an event's, or a heartbeat's.</summary>
        private readonly SemaphoreSlim _writing = new(1, 1);

        private long _lastWrite = Environment.TickCount64;

        /// <summary>When the last write ended (<see cref="Environment.TickCount64"/>).</summary>
        public long LastWriteTicks => Volatile.Read(ref _lastWrite);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _writing.WaitAsync(cancellationToken);
            try
            {
                stream.Writing(buffer.Length);
                await inner.WriteAsync(buffer, cancellationToken);
                await inner.FlushAsync(cancellationToken);
                stream.Flushed();
                Volatile.Write(ref _lastWrite, Environment.TickCount64);
            }
            finally
            {
                _writing.Release();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _writing.Dispose();
            }

            base.Dispose(disposing);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => throw new NotSupportedException("Synchronous writes are not allowed on a response.");

        public override void Write(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("Synchronous writes are not allowed on a response.");

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
