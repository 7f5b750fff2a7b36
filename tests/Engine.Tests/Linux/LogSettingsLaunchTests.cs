using System.Text.RegularExpressions;
using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// The log settings with real processes: <c>merge_stderr</c> (one pipe, so the order the program wrote in),
/// <c>stdout_log</c>/<c>stderr_log</c> (files of the program's choosing, folders created), <c>log_timestamps</c>
/// (an ISO 8601 UTC time before each line) and <c>log = "inherit"</c> (no pipe, nothing captured).
/// </summary>
public sealed partial class LogSettingsLaunchTests : IAsyncDisposable
{
    private readonly CapturedLaunches _captured = new("krust-logsettings-");

    public ValueTask DisposeAsync() => _captured.DisposeAsync();

    [Fact]
    public async Task Merged_stderr_keeps_the_order_the_program_wrote_in_one_file()
    {
        // Alternating streams, with no pause: two pipes would let either reader run ahead of the other.
        const string Script = "for i in 1 2 3 4 5 6 7 8 9 10; do echo out$i; echo err$i >&2; done";
        await RunAsync(Script, LogPolicy.Default with { MergeStderr = true });

        var stdout = Lines(_captured.Store.PathOf("test", 0, OutputKind.Stdout));
        Assert.Equal(Enumerable.Range(1, 10).SelectMany(i => new[] { $"out{i}", $"err{i}" }), stdout);
        Assert.False(File.Exists(_captured.Store.PathOf("test", 0, OutputKind.Stderr)));
    }

    [Fact]
    public async Task Custom_paths_get_each_stream_in_a_folder_created_for_it()
    {
        var stdoutPath = Path.Combine(_captured.Folder, "custom", "web", "out.log");
        var stderrPath = Path.Combine(_captured.Folder, "custom", "errors.log");

        await RunAsync("echo to-out; echo to-err >&2", LogPolicy.Default with { StdoutPath = stdoutPath, StderrPath = stderrPath });

        Assert.Equal(["to-out"], Lines(stdoutPath));
        Assert.Equal(["to-err"], Lines(stderrPath));
        Assert.Equal(stdoutPath, _captured.Store.PathOf("test", 0, OutputKind.Stdout));
        Assert.False(File.Exists(Path.Combine(_captured.Folder, "logs", "test.0.stdout.log")));
    }

    [Fact]
    public async Task Timestamps_put_an_ISO_time_before_each_line_even_a_line_written_in_pieces()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await RunAsync("printf 'one\\ntw'; printf 'o\\nthree\\n'", LogPolicy.Default with { Timestamps = true });

        var lines = Lines(_captured.Store.PathOf("test", 0, OutputKind.Stdout));
        Assert.Equal(["one", "two", "three"], lines.Select(l => Stamp().Match(l) is { Success: true } m ? l[m.Length..] : $"(no stamp) {l}"));
        Assert.All(lines, l => Assert.InRange(DateTimeOffset.Parse(l[..24], System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact]
    public async Task Inherit_captures_nothing_and_writes_no_file()
    {
        await RunAsync("echo straight-through", LogPolicy.Default with { Inherit = true });

        Assert.False(File.Exists(_captured.Store.PathOf("test", 0, OutputKind.Stdout)));
        Assert.Null(_captured.Store.Find("test", 0, OutputKind.Stdout));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")]
    private static partial Regex Stamp();

    /// <summary>Runs the script as instance test.0 to its exit, then waits until its output is in the files.</summary>
    private async Task RunAsync(string script, LogPolicy log)
    {
        var spec = new ProgramSpec("test", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _captured.Folder, Log = log };
        _captured.Launcher.Launch(new LaunchRequest(1, spec, InstanceId: 0, Try: 1), _captured.Events);
        Assert.Equal("started 1", await _captured.Events.NextAsync());
        Assert.Equal("exited 1: 0", await _captured.Events.NextAsync());
        var streams = log.Inherit ? [] : log.MergeStderr ? new[] { OutputKind.Stdout } : [OutputKind.Stdout, OutputKind.Stderr];
        foreach (var stream in streams)
        {
            var file = _captured.Store.PathOf("test", 0, stream);
            Assert.True(
                await Eventually.Holds(() => File.Exists(file) && File.ReadLines(file).LastOrDefault()?.Contains("--- krust-pm: test.0 try 1 exited", StringComparison.Ordinal) == true, Eventually.DefaultTimeout),
                File.Exists(file) ? File.ReadAllText(file) : "(no file)");
        }
    }

    /// <summary>The program's lines in a log file, without krust-pm's try markers.</summary>
    private static List<string> Lines(string file) =>
        [.. File.ReadLines(file).Where(l => !l.StartsWith("--- krust-pm:", StringComparison.Ordinal))];
}
