using System.Text.RegularExpressions;
using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>The real launcher copying real processes' output into log files. Each test bounds its waits and checks
/// that nothing it started is left.</summary>
public sealed class OutputCaptureTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly CapturedLaunches _captured = new("krust-output-");

    public ValueTask DisposeAsync() => _captured.DisposeAsync();

    [Fact]
    public async Task Stdout_and_stderr_are_kept_in_separate_files()
    {
        Launch(1, "echo out; echo err >&2");
        Assert.Equal("started 1", await _captured.Events.NextAsync());
        Assert.Equal("exited 1: 0", await _captured.Events.NextAsync());

        await ExpectOutputAsync(OutputKind.Stdout, "out");
        await ExpectOutputAsync(OutputKind.Stderr, "err");
        Assert.Matches(Marker(1, _captured.Events.Pid!.Value), File.ReadLines(Log(OutputKind.Stdout)).First());
        Assert.Matches(Marker(1, _captured.Events.Pid!.Value), File.ReadLines(Log(OutputKind.Stderr)).First());
    }

    [Fact]
    public async Task Two_hundred_thousand_lines_written_at_full_speed_survive_rotation_whole_and_in_order()
    {
        const int total = 200_000;
        var policy = LogPolicy.Default with { MaxBytes = 256 * 1024, Backups = 20 };
        Launch(2, $"seq 1 {total}", policy);
        Assert.Equal("started 2", await _captured.Events.NextAsync());
        Assert.Equal("exited 2: 0", await _captured.Events.NextAsync());

        var current = Log(OutputKind.Stdout);
        await WaitForAsync(
            () => LogTail.Read(current, 2) is ["200000", var exit] && exit.StartsWith("--- krust-pm:", StringComparison.Ordinal),
            () => $"last lines: {string.Join('|', LogTail.Read(current, 2))}");

        var files = Enumerable.Range(0, policy.Backups + 1).Select(g => LogFileNames.Rotated(current, g)).Where(File.Exists).Reverse().ToList();
        Assert.InRange(files.Count, 5, policy.Backups);
        Assert.All(files, file => Assert.InRange(new FileInfo(file).Length, 1, policy.MaxBytes));
        Assert.All(files, file => Assert.EndsWith("\n", File.ReadAllText(file), StringComparison.Ordinal));
        var lines = files.SelectMany(File.ReadLines).Where(line => !line.StartsWith("--- krust-pm:", StringComparison.Ordinal)).ToList();
        Assert.Equal(total, lines.Count);
        Assert.Equal(Enumerable.Range(1, total).Select(i => $"{i}"), lines);
    }

    [Theory]
    [InlineData("echo last; exit 1", new[] { "last" })]
    [InlineData("echo first; printf 'no newline' >&2; echo last; exit 1", new[] { "first", "last" })]
    public async Task The_last_lines_before_a_crash_are_in_the_files(string script, string[] stdout)
    {
        Launch(3, script);
        Assert.Equal("started 3", await _captured.Events.NextAsync());
        Assert.Equal("exited 3: 1", await _captured.Events.NextAsync());

        await ExpectOutputAsync(OutputKind.Stdout, stdout);
        await ExpectOutputAsync(OutputKind.Stderr, script.Contains(">&2", StringComparison.Ordinal) ? ["no newline"] : []);
    }

    [Fact]
    public async Task Output_still_in_the_pipe_when_the_program_crashes_is_all_kept()
    {
        // seq fills the pipe, so up to a pipe's worth of output is still unread when the shell exits.
        Launch(3, "seq 1 100000; echo last; exit 1");
        Assert.Equal("started 3", await _captured.Events.NextAsync());
        Assert.Equal("exited 3: 1", await _captured.Events.NextAsync());

        await ExpectOutputAsync(OutputKind.Stdout, [.. Enumerable.Range(1, 100_000).Select(i => $"{i}"), "last"]);
    }

    [Fact]
    public async Task A_second_try_of_an_instance_appends_to_its_files_after_its_own_marker()
    {
        Launch(4, "echo one; printf 'half a line'", tryNumber: 1);
        Assert.Equal("started 4", await _captured.Events.NextAsync());
        Assert.Equal("exited 4: 0", await _captured.Events.NextAsync());
        var firstPid = _captured.Events.Pid!.Value;

        Launch(5, "echo two", tryNumber: 2);
        Assert.Equal("started 5", await _captured.Events.NextAsync());
        Assert.Equal("exited 5: 0", await _captured.Events.NextAsync());
        var secondPid = _captured.Events.Pid!.Value;

        var file = Log(OutputKind.Stdout);
        await WaitForAsync(() => File.Exists(file) && File.ReadLines(file).Count() == 7, () => File.ReadAllText(file));
        var lines = File.ReadAllLines(file);
        Assert.Matches(Marker(1, firstPid), lines[0]);
        Assert.Equal(["one", "half a line"], lines[1..3]);
        Assert.Matches(Exit(1), lines[3]);
        Assert.Matches(Marker(2, secondPid), lines[4]);
        Assert.Equal("two", lines[5]);
        Assert.Matches(Exit(2), lines[6]);
    }

    [Fact]
    public async Task A_second_try_writes_only_after_all_of_the_first_tries_output_even_if_that_is_late()
    {
        using var gate = new ManualResetEventSlim();
        var held = 0;
        _captured.Store.Written += (sink, _) =>
        {
            // Hold the first try's copy after its first chunk: the rest stays in the pipe while the second try runs.
            if (sink.Kind == OutputKind.Stdout && Interlocked.Exchange(ref held, 1) == 0)
            {
                File.WriteAllText(Path.Combine(_captured.Folder, "go"), string.Empty);
                gate.Wait(Patience);
            }
        };

        try
        {
            Launch(8, "echo first; while [ ! -e go ]; do sleep 0.01; done; seq 1 10000", tryNumber: 1);
            Assert.Equal("started 8", await _captured.Events.NextAsync());
            Assert.Equal("exited 8: 0", await _captured.Events.NextAsync());
            Launch(9, "echo second", tryNumber: 2);
            Assert.Equal("started 9", await _captured.Events.NextAsync());
            Assert.Equal("exited 9: 0", await _captured.Events.NextAsync());
        }
        finally
        {
            gate.Set();
        }

        var file = Log(OutputKind.Stdout);
        await WaitForAsync(() => File.ReadLines(file).Count() >= 10_006, () => $"{File.ReadLines(file).Count()} lines");
        var lines = File.ReadAllLines(file);
        Assert.Matches(Marker(1, _captured.Events.Pids[0]), lines[0]);
        Assert.Equal(["first", .. Enumerable.Range(1, 10_000).Select(i => $"{i}")], lines[1..10_002]);
        Assert.Matches(Exit(1), lines[10_002]);
        Assert.Matches(Marker(2, _captured.Events.Pids[1]), lines[10_003]);
        Assert.Equal("second", lines[10_004]);
        Assert.Matches(Exit(2), lines[10_005]);
    }

    [Fact]
    public async Task A_log_that_is_busy_never_holds_up_the_start_report_nor_other_launches()
    {
        // Another write to the same sink is stuck in a listener: the sink is locked until the test lets go.
        using var gate = new ManualResetEventSlim();
        var sink = _captured.Store.Sink("test", 0, OutputKind.Stdout, LogPolicy.Default);
        _captured.Store.Written += (_, data) =>
        {
            if (data.Span.SequenceEqual("stuck\n"u8))
            {
                gate.Wait(2 * Patience);
            }
        };
        var stuck = Task.Run(() => sink.Write("stuck\n"u8), TestContext.Current.CancellationToken);

        try
        {
            await WaitForAsync(() => File.Exists(sink.Path), () => "the stuck write never started");
            Launch(10, "echo first");
            Assert.Equal("started 10", await _captured.Events.NextAsync());
            Assert.Equal("exited 10: 0", await _captured.Events.NextAsync());
            LaunchSpec(11, new ProgramSpec("other", "exit 3", ["/bin/sh", "-c", "exit 3"]) { WorkingDirectory = _captured.Folder });
            Assert.Equal("started 11", await _captured.Events.NextAsync());
            Assert.Equal("exited 11: 3", await _captured.Events.NextAsync());
        }
        finally
        {
            gate.Set();
        }

        await stuck;
        await WaitForAsync(() => File.ReadLines(sink.Path).Count() == 4, () => File.ReadAllText(sink.Path));
        Assert.Equal(["stuck", "first"], File.ReadLines(sink.Path).Where(line => !line.StartsWith("--- krust-pm:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_logging_disabled_no_file_is_written_and_the_output_is_still_drained()
    {
        // 1.3 MB is far more than a pipe holds: if nobody read it, seq would block and never exit.
        Launch(6, "seq 1 200000; seq 1 200000 >&2", LogPolicy.Default with { Enabled = false });

        Assert.Equal("started 6", await _captured.Events.NextAsync());
        Assert.Equal("exited 6: 0", await _captured.Events.NextAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_captured.Store.Directory));
        Assert.Null(_captured.Store.Find("test", 0, OutputKind.Stdout));
    }

    [Fact]
    public async Task A_follower_of_a_live_process_gets_a_line_written_after_it_began()
    {
        Launch(7, "echo before; while [ ! -e go ]; do sleep 0.01; done; echo after");
        Assert.Equal("started 7", await _captured.Events.NextAsync());
        await WaitForAsync(() => LogTail.Read(Log(OutputKind.Stdout), 1) is ["before"], () => "no 'before' yet");

        var sink = _captured.Store.Find("test", 0, OutputKind.Stdout)!;
        using var follower = sink.Follow(10, out var tail);
        await File.WriteAllTextAsync(Path.Combine(_captured.Folder, "go"), string.Empty, TestContext.Current.CancellationToken);

        Assert.Equal("before", tail[^1]);
        Assert.Matches(Marker(1, _captured.Events.Pid!.Value), tail[0]);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Patience);
        await using var lines = follower.ReadLinesAsync(limit.Token).GetAsyncEnumerator(limit.Token);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("after", lines.Current);
        Assert.Equal("exited 7: 0", await _captured.Events.NextAsync());
    }

    [Fact]
    public async Task A_descendant_that_escaped_its_group_and_holds_the_old_pipe_does_not_block_the_next_try()
    {
        var escaped = Path.Combine(_captured.Folder, "escaped.pid");
        try
        {
            Launch(10, "setsid sleep 300 & echo $! > escaped.pid; echo first", tryNumber: 1);
            Assert.Equal("started 10", await _captured.Events.NextAsync());
            Assert.Equal("exited 10: 0", await _captured.Events.NextAsync());
            Launch(11, "echo second", tryNumber: 2);
            Assert.Equal("started 11", await _captured.Events.NextAsync());
            Assert.Equal("exited 11: 0", await _captured.Events.NextAsync());

            var file = Log(OutputKind.Stdout);
            await WaitForAsync(() => File.ReadLines(file).Contains("second"), () => string.Join(" | ", LogTail.Read(file, 5)));
            Assert.Equal("first", File.ReadLines(file).ElementAt(1));
        }
        finally
        {
            if (File.Exists(escaped) && int.TryParse(File.ReadAllText(escaped).Trim(), out var pid))
            {
                Cleanup.KillLeftovers([pid]);
            }
        }
    }

    private string Log(OutputKind stream) => _captured.Store.PathOf("test", 0, stream);

    private void Launch(long runId, string script, LogPolicy? log = null, int tryNumber = 1) =>
        LaunchSpec(runId, new ProgramSpec("test", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _captured.Folder, Log = log ?? LogPolicy.Default }, tryNumber);

    private void LaunchSpec(long runId, ProgramSpec spec, int tryNumber = 1) =>
        _captured.Launcher.Launch(new LaunchRequest(runId, spec, InstanceId: 0, Try: tryNumber), _captured.Events);

    /// <summary>Waits until the file holds this try's marker, exactly these lines, then the try's exit marker.</summary>
    private async Task ExpectOutputAsync(OutputKind stream, params string[] lines)
    {
        var file = Log(stream);
        await WaitForAsync(
            () => File.Exists(file) && File.ReadAllLines(file) is [_, .. var output, var exit]
                && exit.StartsWith("--- krust-pm: test.0 try ", StringComparison.Ordinal) && output.SequenceEqual(lines),
            () => File.Exists(file) ? string.Join(" | ", LogTail.Read(file, 5)) : "(no file)");
    }

    private static async Task WaitForAsync(Func<bool> condition, Func<string> describe)
    {
        if (!await Eventually.Holds(condition, Eventually.DefaultTimeout))
        {
            Assert.Fail($"timed out; last seen: {describe()}");
        }
    }

    private static Regex Exit(int tryNumber) => new($@"^--- krust-pm: test\.0 try {tryNumber} exited with code 0 after ");

    private static Regex Marker(int tryNumber, int pid) =>
        new($@"^--- krust-pm: test\.0 try {tryNumber} started, pid {pid}, \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z ---$");
}
