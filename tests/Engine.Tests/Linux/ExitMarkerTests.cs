using System.Text.RegularExpressions;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// Each try's end is written into its log files by the launcher, which reaps it: how it ended and after how long,
/// after all of its output and before the next try's marker; live followers read the markers too.
/// </summary>
public sealed class ExitMarkerTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const string Time = @"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z";
    private readonly CapturedLaunches _captured = new("krust-exit-marker-");

    public ValueTask DisposeAsync() => _captured.DisposeAsync();

    private string StdoutLog => _captured.Store.PathOf("test", 0, OutputKind.Stdout);

    [Fact]
    public async Task The_exit_code_and_how_long_the_try_ran_follow_its_output_in_both_files()
    {
        Launch(1, "echo out; echo err >&2; exit 3");
        Assert.Equal("started 1", await _captured.Events.NextAsync());
        Assert.Equal("exited 1: 3", await _captured.Events.NextAsync());

        var exited = new Regex($@"^--- krust-pm: test\.0 try 1 exited with code 3 after \d+\.\d s, {Time} ---$");
        foreach (var (stream, line) in new[] { (OutputKind.Stdout, "out"), (OutputKind.Stderr, "err") })
        {
            var lines = await LinesAsync(_captured.Store.PathOf("test", 0, stream), 3);
            Assert.StartsWith("--- krust-pm: test.0 try 1 started, pid ", lines[0], StringComparison.Ordinal);
            Assert.Equal(line, lines[1]);
            Assert.Matches(exited, lines[2]);
        }
    }

    [Fact]
    public async Task A_try_killed_by_a_signal_says_which_on_a_line_of_its_own()
    {
        Launch(2, "printf 'no newline'; exec sleep 300");
        Assert.Equal("started 2", await _captured.Events.NextAsync());
        await WaitForAsync(() => File.Exists(StdoutLog) && File.ReadAllText(StdoutLog).EndsWith("no newline", StringComparison.Ordinal));

        _captured.Launcher.Signal(2, Signals.Kill);
        Assert.Equal("exited 2: 137", await _captured.Events.NextAsync());

        var lines = await LinesAsync(StdoutLog, 3);
        Assert.Equal("no newline", lines[1]);
        Assert.Matches($@"^--- krust-pm: test\.0 try 1 killed by signal 9 \(SIGKILL\) after \d+\.\d s, {Time} ---$", lines[2]);
    }

    [Fact]
    public async Task The_next_try_starts_its_marker_after_the_previous_tries_exit_marker()
    {
        Launch(3, "echo one; exit 1", tryNumber: 1);
        Assert.Equal("started 3", await _captured.Events.NextAsync());
        Assert.Equal("exited 3: 1", await _captured.Events.NextAsync());
        Launch(4, "echo two", tryNumber: 2);
        Assert.Equal("started 4", await _captured.Events.NextAsync());
        Assert.Equal("exited 4: 0", await _captured.Events.NextAsync());

        var lines = await LinesAsync(StdoutLog, 6);
        Assert.Matches(@"^--- krust-pm: test\.0 try 1 started", lines[0]);
        Assert.Equal("one", lines[1]);
        Assert.Matches(@"^--- krust-pm: test\.0 try 1 exited with code 1 after", lines[2]);
        Assert.Matches(@"^--- krust-pm: test\.0 try 2 started", lines[3]);
        Assert.Equal("two", lines[4]);
        Assert.Matches(@"^--- krust-pm: test\.0 try 2 exited with code 0 after", lines[5]);
    }

    [Fact]
    public async Task A_follower_reads_the_start_and_exit_markers_around_the_output()
    {
        var sink = _captured.Store.Sink("test", 0, OutputKind.Stdout, LogPolicy.Default);
        using var follower = sink.Follow(0, out _);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Patience);
        await using var lines = follower.ReadLinesAsync(limit.Token).GetAsyncEnumerator(limit.Token);

        Launch(5, "echo hello; exit 2");
        Assert.Equal("started 5", await _captured.Events.NextAsync());

        Assert.True(await lines.MoveNextAsync());
        Assert.Matches(@"^--- krust-pm: test\.0 try 1 started, pid \d+", lines.Current);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("hello", lines.Current);
        Assert.True(await lines.MoveNextAsync());
        Assert.Matches(@"^--- krust-pm: test\.0 try 1 exited with code 2 after", lines.Current);
        Assert.Equal("exited 5: 2", await _captured.Events.NextAsync());
    }

    private void Launch(long runId, string script, int tryNumber = 1) =>
        _captured.Launcher.Launch(
            new LaunchRequest(runId, new ProgramSpec("test", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _captured.Folder }, InstanceId: 0, Try: tryNumber),
            _captured.Events);

    /// <summary>Waits until the file holds at least <paramref name="count"/> whole lines, and returns them all.</summary>
    private static async Task<string[]> LinesAsync(string file, int count)
    {
        await WaitForAsync(() => File.Exists(file) && File.ReadAllText(file).Count(c => c == '\n') >= count);
        return File.ReadAllLines(file);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
