namespace KrustPm.Engine.Tests.Linux;

/// <summary>The real launcher reporting a run's ready line (<see cref="ProgramSpec.ReadyLogLine"/>) from its output.</summary>
public sealed class ReadyLineTests : IAsyncDisposable
{
    private static readonly string[] FirstOfEitherStream = ["ready 1: listening on 8080", "ready 1: listening on 8082"];
    private readonly CapturedLaunches _captured = new("krust-ready-");

    public ValueTask DisposeAsync() => _captured.DisposeAsync();

    [Fact]
    public async Task The_first_matching_line_is_reported_once_after_the_start()
    {
        Launch(1, "echo starting; sleep 0.2; echo listening on 8080; echo listening on 8081; echo listening on 8082 >&2; sleep 5", "listening on");

        Assert.Equal("started 1", await _captured.Events.NextAsync());

        // Within a stream the first match wins (8080, never 8081); the two streams are read side by side, so which of
        // stdout's and stderr's first match is seen first is not fixed. Either way it is reported once.
        Assert.Contains(await _captured.Events.NextAsync(), FirstOfEitherStream);
        _captured.Launcher.Signal(1, Signals.Terminate);
        Assert.Equal($"exited 1: {128 + Signals.Terminate}", await _captured.Events.NextAsync());
        await AssertNoMoreEventsAsync();
    }

    [Fact]
    public async Task A_run_that_prints_its_line_and_exits_at_once_never_reports_it_before_the_start_or_after_the_exit()
    {
        for (var run = 10; run < 30; run++)
        {
            Launch(run, "echo ready; echo ready >&2", "^ready$");

            Assert.Equal($"started {run}", await _captured.Events.NextAsync());
            var next = await _captured.Events.NextAsync();
            if (next.StartsWith("ready", StringComparison.Ordinal))
            {
                Assert.Equal($"ready {run}: ready", next);
                next = await _captured.Events.NextAsync();
            }

            Assert.Equal($"exited {run}: 0", next);
        }

        await AssertNoMoreEventsAsync();
    }

    [Fact]
    public async Task An_invalid_pattern_is_a_start_failure()
    {
        Launch(2, "echo never", "(unclosed");

        Assert.StartsWith("failed 2: ready_log_line is not a valid regular expression: ", await _captured.Events.NextAsync(), StringComparison.Ordinal);
        await AssertNoMoreEventsAsync();
    }

    private void Launch(long runId, string script, string readyLine) => _captured.Launcher.Launch(
        new LaunchRequest(runId, new ProgramSpec("test", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _captured.Folder, ReadyLogLine = readyLine }, InstanceId: 0, Try: 1),
        _captured.Events);

    private async Task AssertNoMoreEventsAsync() =>
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _captured.Events.NextAsync(TimeSpan.FromMilliseconds(200)));
}
