using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// A child writing as fast as it can loses no byte on the way to its log file. Correctness only: how fast, and what it
/// costs krust-pm, is measured by <c>bench/log-throughput.sh</c>, never asserted here. (Many lines across rotations:
/// <see cref="OutputCaptureTests"/>.)
/// </summary>
public sealed class FullSpeedOutputTests : IAsyncDisposable
{
    private const int Total = 4 * 1024 * 1024;
    private readonly CapturedLaunches _captured = new("krust-full-speed-", logs: null);

    public ValueTask DisposeAsync() => _captured.DisposeAsync();

    [Fact]
    public async Task One_line_of_four_MiB_without_a_newline_reaches_the_file_whole_between_the_try_markers()
    {
        var script = $"head -c {Total} /dev/zero | tr '\\0' 'x'";
        var spec = new ProgramSpec("fast", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _captured.Folder, Log = LogPolicy.Default with { MaxBytes = 0 } };
        var file = _captured.Store.PathOf("fast", 0, OutputKind.Stdout);

        _captured.Launcher.Launch(new LaunchRequest(1, spec, InstanceId: 0, Try: 1), _captured.Events);
        Assert.Equal("started 1", await _captured.Events.NextAsync());
        Assert.Equal("exited 1: 0", await _captured.Events.NextAsync());

        // The exit marker is written after the last byte of the pipe: once it is there, every byte is.
        var markers = $"--- krust-pm: fast.0 try 1 started, pid {_captured.Events.Pid}, 2026-01-01T00:00:00.000Z ---\n".Length
            + "--- krust-pm: fast.0 try 1 exited with code 0 after 0.0 s, 2026-01-01T00:00:00.000Z ---\n".Length;
        await Eventually.Assert(() => File.Exists(file) && new FileInfo(file).Length >= markers + Total + 1, "every byte and the exit marker are in the file");
        var lines = File.ReadAllLines(file);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("--- krust-pm: fast.0 try 1 started", lines[0], StringComparison.Ordinal);
        Assert.Equal(Total, lines[1].Length);
        Assert.True(lines[1].All(c => c == 'x'));
        Assert.Matches(@"^--- krust-pm: fast\.0 try 1 exited with code 0 after \d+\.\d s, \S+ ---$", lines[2]); // on a line of its own
    }
}
