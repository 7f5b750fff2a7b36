using System.Buffers;
using System.IO.Pipes;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Copies one output pipe of a run into its <see cref="Logs.OutputSink"/>: bytes, in chunks of up to 64 KiB, never
/// re-encoded. An idle pipe holds no chunk: the copy waits for data with a one-byte read (a zero-byte read on a
/// pipe completes at once instead of waiting), then takes what the pipe holds (FIONREAD), so thousands of quiet
/// instances cost no memory.
/// </summary>
internal static class OutputCopy
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// How long a try's copy waits for the previous try's. The previous pipe normally ends as soon as its run does
    /// (its group is killed); one still open after this holds a descendant that escaped the group (setsid): the new
    /// try must not block on a full pipe because of it, so both copies then run side by side.
    /// </summary>
    private static readonly TimeSpan PreviousWait = TimeSpan.FromSeconds(2);

    /// <summary>Copies <paramref name="source"/> to <paramref name="sink"/> until end of file, after <paramref name="previous"/>.</summary>
    /// <param name="source">The pipe (disposed at the end).</param>
    /// <param name="sink">Where the bytes go (<see langword="null"/>: read and discarded).</param>
    /// <param name="previous">The previous try's copy: this one's bytes come after all of its (see <see cref="PreviousWait"/>).</param>
    /// <param name="marker">The line written to the file before this try's output.</param>
    /// <param name="ready">Looks for the run's ready line in the bytes copied, if its program has one.</param>
    /// <param name="stream">Which of the run's streams <paramref name="source"/> is (for <paramref name="ready"/>).</param>
    /// <param name="ended">
    /// The line written after this try's output once the try has been reaped (<see cref="TryMarkers.Ended"/>): after
    /// the last byte of the pipe, or, if a descendant that escaped the group keeps the pipe open, <see
    /// cref="PreviousWait"/> after the exit.
    /// </param>
    /// <param name="chunks">Where chunks come from (<see cref="ArrayPool{T}.Shared"/> by default; tests count them).</param>
    /// <returns>A task that completes at end of file, after the exit marker; it never faults.</returns>
    public static async Task RunAsync(
        PipeStream source, Logs.OutputSink? sink, Task previous, string marker, Health.ReadyLineWatcher? ready, Logs.OutputKind stream,
        Task<string>? ended = null, ArrayPool<byte>? chunks = null)
    {
        chunks ??= ArrayPool<byte>.Shared;
        // Never on the caller's thread: that is the launch thread, holding the run's lock. There, a write waiting
        // for the sink, or a pipe that already holds output (read synchronously for as long as the program keeps
        // it full), would hold up the start report, every other launch and every signal. The timer only when
        // the previous copy is still running (rarely): a restart loop would otherwise keep two alive per try.
        await (previous.IsCompleted ? previous : Task.WhenAny(previous, Task.Delay(PreviousWait))).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        sink?.Mark(marker);
        var copying = CopyAsync(source, sink, ready, stream, chunks);
        if (sink is not null && ended is not null)
        {
            var exit = await ended.ConfigureAwait(false);
            if (!copying.IsCompleted)
            {
                // The group was killed before the exit was reported: the pipe is only being drained, normally.
                using var drained = new CancellationTokenSource();
                await Task.WhenAny(copying, Task.Delay(PreviousWait, drained.Token)).ConfigureAwait(false);
                await drained.CancelAsync().ConfigureAwait(false);
            }

            sink.Mark(exit);
        }

        await copying.ConfigureAwait(false);
    }

    private static async Task CopyAsync(PipeStream source, Logs.OutputSink? sink, Health.ReadyLineWatcher? ready, Logs.OutputKind stream, ArrayPool<byte> chunks)
    {
        try
        {
            var fd = source.SafePipeHandle.DangerousGetHandle();
            var first = new byte[1];
            while (await source.ReadAsync(first).ConfigureAwait(false) != 0)
            {
                var buffer = chunks.Rent(ChunkSize);
                try
                {
                    buffer[0] = first[0];
                    var length = 1;
                    var available = Math.Min(NativeMethods.BytesAvailable(fd), ChunkSize - 1);
                    if (available > 0)
                    {
                        // Completes at once: the bytes are in the pipe.
                        length += await source.ReadAsync(buffer.AsMemory(1, available)).ConfigureAwait(false);
                    }

                    sink?.Write(buffer.AsSpan(0, length));
                    ready?.Feed(stream, buffer.AsSpan(0, length));
                }
                finally
                {
                    chunks.Return(buffer);
                }
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // The pipe broke: nothing more will come.
        }
        finally
        {
            ready?.Finish(stream);
            await source.DisposeAsync().ConfigureAwait(false);
        }
    }
}
