using System.Buffers;
using System.IO.Pipes;
using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// What a quiet instance's output copy holds while it waits: no chunk buffer. Counted through the chunks the copies
/// themselves rent (a pool of the test's), so nothing else this process does can change the figure.
/// </summary>
public sealed class IdleOutputTests : IAsyncDisposable
{
    private const int Copies = 200;
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-idle-").FullName;

    public async ValueTask DisposeAsync() => await Cleanup.DeleteAsync(_folder);

    [Fact]
    public async Task Copies_waiting_on_idle_pipes_hold_no_chunk_buffer()
    {
        // A zero-byte read on a pipe completes at once: a copy that waited that way then sat in a 64 KiB read, with
        // a chunk rented per pipe (two per instance). 200 of them would hold over 12 MiB doing nothing.
        using var store = new OutputStore(_folder);
        var chunks = new CountingPool();
        var writeEnds = new List<AnonymousPipeServerStream>();
        var copies = new List<Task>();
        try
        {
            for (var i = 0; i < Copies; i++)
            {
                var write = new AnonymousPipeServerStream(PipeDirection.Out);
                writeEnds.Add(write);
                var sink = store.Sink("idle", i, OutputKind.Stdout, LogPolicy.Default);
                copies.Add(OutputCopy.RunAsync(
                    new AnonymousPipeClientStream(PipeDirection.In, write.ClientSafePipeHandle), sink, Task.CompletedTask, $"--- idle {i} ---", null, OutputKind.Stdout, chunks: chunks));
            }

            // Each copy writes its marker, then waits on its pipe (synchronously after the marker).
            await Eventually.Assert(
                () => Enumerable.Range(0, Copies).All(i => File.Exists(store.PathOf("idle", i, OutputKind.Stdout))), "every copy wrote its marker");
            Assert.Equal((0, 0), (chunks.Rented, chunks.Held));

            // Output takes a chunk for as long as it is copied, and gives it back.
            writeEnds[7].Write("hello\n"u8);
            writeEnds[7].Flush();
            await Eventually.Assert(() => File.ReadAllLines(store.PathOf("idle", 7, OutputKind.Stdout)) is [_, "hello"], "idle.7's line is copied");
            await Eventually.Assert(() => chunks.Held == 0, "the chunk is given back");
            Assert.Equal(1, chunks.Rented);
        }
        finally
        {
            writeEnds.ForEach(write => write.Dispose());
        }

        await Task.WhenAll(copies).WaitAsync(Eventually.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.Equal((1, 0), (chunks.Rented, chunks.Held));
        Assert.All(Enumerable.Range(0, Copies).Where(i => i != 7), i => Assert.Equal([$"--- idle {i} ---"], File.ReadAllLines(store.PathOf("idle", i, OutputKind.Stdout))));
    }

    /// <summary>The shared pool, counting what is rented from it and not returned yet.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        private int _rented;
        private int _held;

        public int Rented => Volatile.Read(ref _rented);

        public int Held => Volatile.Read(ref _held);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _rented);
            Interlocked.Increment(ref _held);
            return Shared.Rent(minimumLength);
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            Interlocked.Decrement(ref _held);
            Shared.Return(array, clearArray);
        }
    }
}
