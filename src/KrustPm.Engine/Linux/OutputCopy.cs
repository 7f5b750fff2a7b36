using System.Buffers;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Copies one output pipe of a run into its <see cref="Logs.OutputSink"/>: bytes, in chunks of up to 64 KiB, never
/// re-encoded. An idle pipe holds no buffer (a zero-byte read waits for data first), so thousands of quiet instances
/// cost no memory.
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
    /// <param name="source">The pipe.</param>
    /// <param name="sink">Where the bytes go (<see langword="null"/>: read and discarded).</param>
    /// <param name="previous">The previous try's copy: this one's bytes come after all of its (see <see cref="PreviousWait"/>).</param>
    /// <param name="marker">The line written to the file before this try's output.</param>
    /// <param name="ready">Looks for the run's ready line in the bytes copied, if its program has one.</param>
    /// <param name="stream">Which of the run's streams <paramref name="source"/> is (for <paramref name="ready"/>).</param>
    /// <returns>A task that completes at end of file; it never faults.</returns>
    public static async Task RunAsync(
        Stream source, Logs.OutputSink? sink, Task previous, string marker, Health.ReadyLineWatcher? ready, Logs.OutputKind stream)
    {
        // Never on the caller's thread: that is the launch thread, holding the run's lock. There, a write waiting
        // for the sink, or a pipe that already holds output (read synchronously for as long as the program keeps
        // it full), would hold up the start report, every other launch and every signal.
        await Task.WhenAny(previous, Task.Delay(PreviousWait)).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        sink?.Mark(marker);
        try
        {
            while (true)
            {
                await source.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    sink?.Write(buffer.AsSpan(0, read));
                    ready?.Feed(stream, buffer.AsSpan(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
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
