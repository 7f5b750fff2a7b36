using KrustPm.Engine;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;
using KrustPm.Host.Hosting;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>
/// Foreground mode with output that has no newline and a stdout that does not keep up: what waits to be printed
/// stays bounded in characters, not only in lines (a line may be 64 KiB), and the rest is said to be dropped. The
/// output is handed to the printer as the store hands it (<see cref="AttachPrinter.OnWritten"/>).
/// </summary>
public sealed class AttachPrinterBoundTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("krust-attach-").FullName;
    private readonly OutputStore _store;
    private readonly StalledWriter _stdout = new();

    public AttachPrinterBoundTests() => _store = new OutputStore(_directory);

    public void Dispose()
    {
        _stdout.Release();
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Ten_MB_without_a_newline_on_a_stalled_stdout_never_queues_more_than_the_bound()
    {
        using var printer = NewPrinter();
        var sink = _store.Sink("web", 0, OutputKind.Stdout, LogPolicy.Default with { Enabled = false });
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');

        for (var written = 0; written < 10_000_000; written += chunk.Length)
        {
            printer.OnWritten(sink, chunk);
            Assert.InRange(printer.QueuedChars, 0, AttachPrinter.MaxQueuedChars);
        }

        Assert.True(printer.QueuedChars > 0);
    }

    [Fact]
    public async Task Lines_dropped_for_a_stalled_stdout_are_counted_in_a_marker_line_and_cut_lines_say_they_continue()
    {
        var printer = NewPrinter();
        var sink = _store.Sink("web", 0, OutputKind.Stdout, LogPolicy.Default with { Enabled = false });
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        for (var written = 0; written < 10_000_000; written += chunk.Length)
        {
            printer.OnWritten(sink, chunk);
        }

        _stdout.Release();
        Assert.True(await ProcFs.WaitUntilAsync(() => printer.QueuedChars == 0, TimeSpan.FromSeconds(10)));
        printer.OnWritten(sink, "\nlast\n"u8.ToArray());
        printer.Dispose();

        var printed = _stdout.Lines;
        Assert.Contains(printed, line => line.StartsWith("[krust-pm: ", StringComparison.Ordinal) && line.Contains("lines not shown", StringComparison.Ordinal));
        Assert.Contains(printed, line => line.StartsWith("web.0 | x", StringComparison.Ordinal) && line.EndsWith(LineSplitter.ContinuationMarker, StringComparison.Ordinal));
        Assert.Equal("web.0 | last", printed[^1]);
    }

    private AttachPrinter NewPrinter()
    {
        var config = new KrustConfig("/tmp/krust-pm.toml", ServerAddress.Default, [new ProgramSpec("web", "web", ["web"])]);
        return new AttachPrinter(_store, config, _stdout, colour: false);
    }

    /// <summary>A stdout that takes nothing until released, like a terminal nobody scrolls or a full pipe.</summary>
    private sealed class StalledWriter : TextWriter
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _lines = [];

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public List<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Release() => _released.TrySetResult();

        public override async Task WriteLineAsync(string? value)
        {
            await _released.Task;
            lock (_lines)
            {
                _lines.Add(value ?? string.Empty);
            }
        }
    }
}
