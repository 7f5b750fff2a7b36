using System.Globalization;
using System.IO.Pipes;
using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// What a quiet instance's output copy costs while it waits. Runs alone: it counts every byte this process allocates.
/// </summary>
[Collection(typeof(Measurements))]
public sealed class IdleOutputTests : IAsyncDisposable
{
    private const int Copies = 200;
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-idle-").FullName;

    public async ValueTask DisposeAsync() => await Cleanup.DeleteAsync(_folder);

    [Fact]
    public async Task Copies_waiting_on_idle_pipes_hold_no_chunk_buffer()
    {
        // A zero-byte read on a pipe completes at once: a copy that waited that way then sat in a 64 KiB read, with
        // a chunk rented per pipe (two per instance). 200 of them would allocate over 10 MiB.
        using var store = new OutputStore(_folder);
        var writeEnds = new List<AnonymousPipeServerStream>();
        var copies = new List<Task>();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Copies; i++)
        {
            var write = new AnonymousPipeServerStream(PipeDirection.Out);
            writeEnds.Add(write);
            var sink = store.Sink("idle", i, OutputKind.Stdout, LogPolicy.Default);
            copies.Add(OutputCopy.RunAsync(new AnonymousPipeClientStream(PipeDirection.In, write.ClientSafePipeHandle), sink, Task.CompletedTask, $"--- idle {i} ---", null, OutputKind.Stdout));
        }

        try
        {
            // Each copy writes its marker, then starts waiting on its pipe (synchronously after the marker).
            Assert.True(
                await ProcFs.WaitUntilAsync(() => Enumerable.Range(0, Copies).All(i => File.Exists(store.PathOf("idle", i, OutputKind.Stdout))), TimeSpan.FromSeconds(10)),
                "not every copy wrote its marker");
        }
        finally
        {
            writeEnds.ForEach(write => write.Dispose());
        }

        await Task.WhenAll(copies).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture, $"{Copies} idle copies: {allocated / 1024.0 / Copies:F1} KiB allocated per copy"));
        Assert.InRange(allocated, 0, Copies * 16 * 1024);
        Assert.All(Enumerable.Range(0, Copies), i => Assert.Equal([$"--- idle {i} ---"], File.ReadAllLines(store.PathOf("idle", i, OutputKind.Stdout))));
    }
}
