using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Lets a request whose client closed its side of the connection right after sending it (a script, a CLI stopped
/// with Ctrl-C) be read whole. Kestrel treats the client's FIN as the end of the connection at once: a body already
/// received but not yet read by the endpoint fails with "Unexpected end of request content", so a command sent in
/// full would be lost. This connection middleware reports the end of input only once every byte received before it
/// has been examined; until then the data reads as ordinary data. A body that is really cut short still ends as
/// Kestrel would report it.
/// </summary>
internal static class InputEndsAfterItsData
{
    /// <summary>Adds the middleware to a listener.</summary>
    public static void Use(IConnectionBuilder listener) => listener.Use(next => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Pipe(new Reader(transport.Input), transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    });

    private sealed record Pipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private sealed class Reader(PipeReader inner) : PipeReader
    {
        private ReadOnlySequence<byte> _last;
        private long _unconsumedWhenAllExamined = -1;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Adjust(await inner.ReadAsync(cancellationToken));

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out var read))
            {
                result = default;
                return false;
            }

            result = Adjust(read);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            // Everything examined and still wanting more: the next read may report the end (no more will come).
            _unconsumedWhenAllExamined = examined.Equals(_last.End) ? _last.Slice(consumed).Length : -1;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        private ReadResult Adjust(ReadResult read)
        {
            _last = read.Buffer;
            var unexamined = read.Buffer.Length != _unconsumedWhenAllExamined;
            return read.IsCompleted && !read.Buffer.IsEmpty && unexamined
                ? new ReadResult(read.Buffer, read.IsCanceled, isCompleted: false)
                : read;
        }
    }
}
