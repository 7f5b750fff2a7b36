using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>
/// Line ids (<see cref="LogLine.End"/>): where each line ends in its log file, so that a reader that comes back with
/// the id of the last line it read continues after it: across krust-pm's rotations, a logrotate rename, a restart of
/// krust-pm (a new sink over the same files); and says so when the log no longer has that place.
/// </summary>
public sealed class LogResumeTests : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Each_line_s_id_is_where_it_ends_in_its_file_in_the_tail_and_live()
    {
        var sink = _logs.Sink();
        sink.Write(LogFolder.Bytes("one\ntwo\nthr"));

        using var follower = sink.Follow(10, after: null, out var start);
        await using var reader = new PositionedReader(follower);
        sink.Write(LogFolder.Bytes("ee\nfour\n"));
        var live = new[] { await reader.NextAsync(), await reader.NextAsync() };

        var file = File0(sink.Path);
        Assert.Null(start.Missed);
        Assert.Equal([new LogLine("one", file.At(4)), new LogLine("two", file.At(8))], start.Lines);
        Assert.Equal([new LogLine("three", file.At(14)), new LogLine("four", file.At(19))], live);
        Assert.Equal("four\n", File.ReadAllText(sink.Path)[14..]);
    }

    [Fact]
    public void An_id_reads_and_writes_as_INODE_BORN_OFFSET_and_nothing_else_parses()
    {
        Assert.Equal("1234:1764000000123456789:56", new LogPosition(1234, 1764000000123456789, 56).ToString());
        Assert.True(LogPosition.TryParse("1234:1764000000123456789:56", out var position));
        Assert.Equal(new LogPosition(1234, 1764000000123456789, 56), position);
        foreach (var bad in new[] { null, "", "42", "1:2", ":5:6", "5:6:", "a:1:2", "1:2:-1", "1:2:3:4", "-1:2:3", " 1:2:3", "17" })
        {
            Assert.False(LogPosition.TryParse(bad, out _), bad);
        }
    }

    [Fact]
    public async Task Every_line_comes_once_however_often_a_reader_leaves_and_comes_back_across_rotations()
    {
        const int total = 20_000;
        var sink = _logs.Sink(LogPolicy.Default with { MaxBytes = 16 * 1024, Backups = 20 });
        var bytes = LogFolder.Bytes(string.Concat(Enumerable.Range(1, total).Select(i => $"{i}\n")));
        var random = new Random(11);
        var seen = new List<string>();
        LogPosition? last = null;
        var at = 0;
        while (at < bytes.Length)
        {
            // Connect (from the last id), let the writer write some chunks of random sizes, read some, leave.
            using var follower = sink.Follow(0, last, out var start);
            Assert.Null(start.Missed);
            Collect(start.Lines);
            for (var chunks = random.Next(1, 30); chunks > 0 && at < bytes.Length; chunks--)
            {
                var size = Math.Min(random.Next(1, 400), bytes.Length - at);
                sink.Write(bytes.AsSpan(at, size));
                at += size;
            }

            // Read some of the lines written so far (no more: a read never waits), then leave.
            var written = bytes.AsSpan(0, at).Count((byte)'\n');
            await using var reader = new PositionedReader(follower);
            for (var read = Math.Min(random.Next(0, 40), written - seen.Count); read > 0; read--)
            {
                Collect([await reader.NextAsync()]);
            }
        }

        using (var final = sink.Follow(0, last, out var rest))
        {
            Collect(rest.Lines);
        }

        Assert.Equal(Enumerable.Range(1, total).Select(i => $"{i}"), seen);
        Assert.True(File.Exists(sink.Path + ".1"), "the log never rotated: the test did not test rotation");

        void Collect(IEnumerable<LogLine> lines)
        {
            foreach (var line in lines)
            {
                seen.Add(line.Text);
                last = line.End ?? throw new InvalidOperationException($"line '{line.Text}' has no id");
            }
        }
    }

    [Fact]
    public async Task A_reader_resumes_on_a_new_sink_over_the_same_files_as_after_a_restart_of_krust_pm_and_a_logrotate_rename()
    {
        var sink = _logs.Sink();
        sink.Write(LogFolder.Bytes("a\nb\n"));
        LogPosition stoppedAt;
        using (var follower = sink.Follow(1, after: null, out var start))
        {
            stoppedAt = start.Lines[^1].End!.Value; // read "b", then left
        }

        sink.Write(LogFolder.Bytes("c\n"));
        _logs.Store.Dispose();
        File.Move(sink.Path, sink.Path + ".1"); // logrotate's create: the file moves, a new one takes its name
        using var store = new OutputStore(_logs.Path);
        var again = store.Sink("web", 0, OutputKind.Stdout, LogPolicy.Default);
        again.Write(LogFolder.Bytes("d\n"));

        using var resumed = again.Follow(100, stoppedAt, out var lines);
        await using var reader = new PositionedReader(resumed);
        again.Write(LogFolder.Bytes("e\n"));

        Assert.Null(lines.Missed);
        Assert.Equal(["c", "d"], lines.Lines.Select(l => l.Text));
        Assert.Equal("e", (await reader.NextAsync()).Text);
    }

    [Fact]
    public void A_position_the_log_no_longer_has_says_so_and_falls_back_to_the_tail()
    {
        var sink = _logs.Sink(LogPolicy.Default with { MaxBytes = 8, Backups = 1 });
        sink.Write(LogFolder.Bytes("1234567\n"));
        using (var first = sink.Follow(1, after: null, out var start))
        {
            var gone = start.Lines[^1].End!.Value;
            sink.Write(LogFolder.Bytes("abcdefg\nhijklmn\n")); // two rotations: the first file is deleted

            using var resumed = sink.Follow(2, gone, out var again);

            Assert.Contains("rotated away or removed", again.Missed, StringComparison.Ordinal);
            Assert.Equal(["abcdefg", "hijklmn"], again.Lines.Select(l => l.Text));
        }

        using var unknown = sink.Follow(1, new LogPosition(0, 0, 0), out var fromNothing);
        Assert.NotNull(fromNothing.Missed);
        Assert.Equal(["hijklmn"], fromNothing.Lines.Select(l => l.Text));
    }

    [Fact]
    public void A_log_truncated_under_the_reader_copytruncate_says_so_and_falls_back_to_the_tail()
    {
        var sink = _logs.Sink();
        sink.Write(LogFolder.Bytes("one\ntwo\nthree\n"));
        sink.Follow(1, after: null, out var start).Dispose();
        File.WriteAllBytes(sink.Path, []); // logrotate's copytruncate
        sink.Write(LogFolder.Bytes("x\n"));

        using var resumed = sink.Follow(5, start.Lines[^1].End, out var again);

        Assert.Contains("truncated", again.Missed, StringComparison.Ordinal);
        Assert.Equal(["x"], again.Lines.Select(l => l.Text));
        Assert.Equal(File0(sink.Path).At(2), again.Lines[0].End); // O_APPEND wrote at the new end
    }

    [Fact]
    public async Task A_line_unfinished_when_the_reader_comes_back_is_read_whole_once()
    {
        var sink = _logs.Sink();
        sink.Write(LogFolder.Bytes("one\n"));
        sink.Follow(1, after: null, out var start).Dispose();
        sink.Write(LogFolder.Bytes("two\nthr"));

        using var resumed = sink.Follow(10, start.Lines[0].End, out var again);
        await using var reader = new PositionedReader(resumed);
        sink.Write(LogFolder.Bytes("ee\n"));

        Assert.Equal(["two"], again.Lines.Select(l => l.Text));
        Assert.Equal(new LogLine("three", File0(sink.Path).At(14)), await reader.NextAsync());
    }

    private static FileIdentity File0(string path) => AppendOnlyFile.IdentityOf(path)!.Value;

    /// <summary>Reads a follower's positioned lines, each read bounded in time.</summary>
    private sealed class PositionedReader : IAsyncDisposable
    {
        private readonly CancellationTokenSource _limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        private readonly IAsyncEnumerator<LogLine> _lines;

        public PositionedReader(OutputFollower follower) => _lines = follower.ReadAsync(_limit.Token).GetAsyncEnumerator();

        public async Task<LogLine> NextAsync()
        {
            _limit.CancelAfter(TimeSpan.FromSeconds(10));
            Assert.True(await _lines.MoveNextAsync(), "the follower ended");
            return _lines.Current;
        }

        public async ValueTask DisposeAsync()
        {
            await _lines.DisposeAsync();
            _limit.Dispose();
        }
    }
}
