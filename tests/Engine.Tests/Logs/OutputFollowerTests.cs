using System.Text.RegularExpressions;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>Following a sink live: tail then new lines, none lost or repeated, a bounded backlog, detaching.</summary>
public sealed partial class OutputFollowerTests : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_follower_gets_the_lines_written_after_it_and_the_tail_those_before()
    {
        var sink = _logs.Sink();
        sink.Write(LogFolder.Bytes("old 1\nold 2\n"));

        using var follower = sink.Follow(10, out var tail);
        await using var reader = new FollowReader(follower);
        sink.Write(LogFolder.Bytes("new 1\nnew 2\n"));

        Assert.Equal(["old 1", "old 2"], tail);
        Assert.Equal(["new 1", "new 2"], [await reader.NextAsync(), await reader.NextAsync()]);
    }

    [Theory]
    [InlineData(10, new[] { "one" })]
    [InlineData(0, new string[0])]
    public async Task A_follow_that_begins_in_the_middle_of_a_line_reads_that_line_whole_once(int tailLines, string[] expectedTail)
    {
        var sink = _logs.Sink();
        sink.Write(LogFolder.Bytes("one\ntw"));

        using var follower = sink.Follow(tailLines, out var tail);
        await using var reader = new FollowReader(follower);
        sink.Write(LogFolder.Bytes("o\nthree\n"));

        Assert.Equal(expectedTail, tail);
        Assert.Equal(["two", "three"], [await reader.NextAsync(), await reader.NextAsync()]);
    }

    [Fact]
    public async Task Tail_and_follow_together_hold_every_line_once_while_a_writer_runs()
    {
        const int total = 50_000;
        var sink = _logs.Sink(LogPolicy.Default with { MaxBytes = 64 * 1024, Backups = 100 });
        var bytes = LogFolder.Bytes(string.Concat(Enumerable.Range(1, total).Select(i => $"{i}\n")));
        const int follows = 10;
        var written = 0;
        var taken = 0;
        var writer = new Thread(() =>
        {
            // Chunks of random sizes, as a pipe delivers them: most end in the middle of a line. The writer keeps at
            // most two slots ahead of the follows, so that every follow begins while it is still writing.
            var random = new Random(7);
            for (var at = 0; at < bytes.Length;)
            {
                SpinWait.SpinUntil(() => at < (long)bytes.Length * (Volatile.Read(ref taken) + 2) / (follows + 1));
                var size = Math.Min(random.Next(1, 40), bytes.Length - at);
                sink.Write(bytes.AsSpan(at, size));
                Volatile.Write(ref written, at += size);
            }
        });

        writer.Start();
        var followers = new List<(OutputFollower Follower, IReadOnlyList<string> Tail)>();
        for (var i = 1; i <= follows; i++)
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref written) >= (long)bytes.Length * i / (follows + 1));
            followers.Add((sink.Follow(total, out var tail), tail));
            Volatile.Write(ref taken, i);
        }

        writer.Join();
        foreach (var (follower, tail) in followers)
        {
            // Disposing ends the follower after what was written before: all of it, here.
            follower.Dispose();
            await using var reader = new FollowReader(follower);
            Assert.Equal(Enumerable.Range(1, total).Select(i => $"{i}"), tail.Concat(await reader.RestAsync()));
        }
    }

    [Fact]
    public async Task A_follower_that_never_reads_holds_at_most_1_MiB_and_then_says_what_it_missed()
    {
        var sink = _logs.Sink();
        using var follower = sink.Follow(0, out _);

        for (var i = 0; i < 64; i++)
        {
            sink.Write(ChunkOfLines(i));
        }

        Assert.Equal(64L * Chunk, new FileInfo(sink.Path).Length);
        await using var reader = new FollowReader(follower);
        var lines = await reader.UntilAsync(line => line.StartsWith("[krust-pm:", StringComparison.Ordinal));
        var shown = lines[..^1].Sum(line => line.Length + 1);
        Assert.Equal(OutputFollower.MaxPendingBytes, shown);
        Assert.Equal($"{(64L * Chunk) - shown}", DroppedBytes().Match(lines[^1]).Groups[1].Value);

        sink.Write(LogFolder.Bytes("after\n"));
        Assert.Equal("after", await reader.NextAsync());
    }

    [Fact]
    public async Task The_missed_output_marker_comes_where_the_output_was_missed()
    {
        var sink = _logs.Sink();
        using var follower = sink.Follow(0, out _);
        var kept = OutputFollower.MaxPendingBytes / Chunk;
        for (var i = 0; i <= kept; i++)
        {
            sink.Write(ChunkOfLines(i));
        }

        await using var reader = new FollowReader(follower);
        var lines = new List<string>();
        for (var i = 0; i <= Chunk / 64; i++)
        {
            // A chunk stays counted until its last line is taken, which the first line of the next one proves.
            lines.Add(await reader.NextAsync());
        }

        Assert.Equal((kept - 1L) * Chunk, follower.PendingBytes);
        sink.Write(LogFolder.Bytes("after\n")); // the reader has made room by now
        lines.AddRange(await reader.UntilAsync(line => line == "after"));

        Assert.Equal(kept * (Chunk / 64), lines.FindIndex(line => line.StartsWith("[krust-pm:", StringComparison.Ordinal)));
        Assert.Equal($"{Chunk}", DroppedBytes().Match(lines[^2]).Groups[1].Value);
    }

    [Fact]
    public async Task A_line_cut_by_missed_output_ends_before_the_marker()
    {
        var sink = _logs.Sink();
        using var follower = sink.Follow(0, out _);
        for (var i = 0; i < 15; i++)
        {
            sink.Write(ChunkOfLines(i));
        }

        sink.Write(LogFolder.Bytes("unfinished"));
        sink.Write(ChunkOfLines(15)); // does not fit: missed
        sink.Write(LogFolder.Bytes(" and the rest\nnext\n"));

        await using var reader = new FollowReader(follower);
        var lines = await reader.UntilAsync(line => line == "next");
        Assert.Equal("unfinished", lines[^4]);
        Assert.Matches(DroppedBytes(), lines[^3]);
        Assert.Equal(" and the rest", lines[^2]);
    }

    [Fact]
    public async Task A_line_left_unfinished_by_one_try_is_not_joined_to_the_next_tries_output()
    {
        var sink = _logs.Sink();
        using var follower = sink.Follow(0, out _);
        await using var reader = new FollowReader(follower);

        sink.Write(LogFolder.Bytes("try 1 died mid-li"));
        sink.Mark("--- try 2 ---");
        sink.Write(LogFolder.Bytes("try 2\n"));

        Assert.Equal("try 1 died mid-li", await reader.NextAsync());
        Assert.Equal("--- try 2 ---", await reader.NextAsync()); // markers reach followers too, on a line of their own
        Assert.Equal("try 2", await reader.NextAsync());
    }

    [Fact]
    public async Task A_disposed_follower_ends_and_later_writes_cost_it_nothing()
    {
        var sink = _logs.Sink();
        var chunk = ChunkOfLines(0);
        sink.Write(chunk); // opens the file

        using var attached = sink.Follow(0, out _);
        var whileAttached = AllocatedWriting(sink, chunk, times: 10);
        attached.Dispose();
        var follower = sink.Follow(0, out _);
        await using var reader = new FollowReader(follower);
        follower.Dispose();
        var afterDispose = AllocatedWriting(sink, chunk, times: 10);

        Assert.True(whileAttached >= 10 * Chunk, $"{whileAttached} bytes allocated for an attached follower");
        Assert.True(afterDispose < Chunk, $"{afterDispose} bytes allocated after the followers were disposed");
        Assert.Empty(await reader.RestAsync());
        follower.Dispose(); // twice is harmless
    }

    /// <summary>64 KiB of 64-byte lines, numbered.</summary>
    private static byte[] ChunkOfLines(int chunk) =>
        LogFolder.Bytes(string.Concat(Enumerable.Range(0, Chunk / 64).Select(line => $"chunk {chunk:D3} line {line:D4}".PadRight(63, '.') + "\n")));

    private static long AllocatedWriting(OutputSink sink, byte[] chunk, int times)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++)
        {
            sink.Write(chunk);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [GeneratedRegex(@"^\[krust-pm: (\d+) bytes not shown: this reader was too slow; the log file has them\]$")]
    private static partial Regex DroppedBytes();
}
