using System.Text;
using KrustPm.Engine.Health;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Health;

/// <summary>Finding the ready line in raw output, whatever the chunks it arrives in.</summary>
public sealed class ReadyLineWatcherTests
{
    private readonly List<string> _seen = [];

    [Fact]
    public void A_line_cut_across_chunks_matches_once_its_end_arrives()
    {
        var watcher = Watch("listening on");
        Feed(watcher, "starting\nlisten");
        Assert.Empty(_seen);
        Feed(watcher, "ing on 8080");
        Assert.Empty(_seen);
        Feed(watcher, "\nmore\n");
        Assert.Equal(["listening on 8080"], _seen);
        Assert.True(watcher.Done);
    }

    [Fact]
    public void A_character_cut_between_chunks_is_decoded_whole()
    {
        var watcher = Watch("prêt à servir");
        var bytes = Encoding.UTF8.GetBytes("prêt à servir\n");
        var inside = Array.IndexOf(bytes, (byte)0xC3) + 1; // between the two bytes of 'ê'
        watcher.Feed(OutputKind.Stdout, bytes.AsSpan(0, inside));
        watcher.Feed(OutputKind.Stdout, bytes.AsSpan(inside));
        Assert.Equal(["prêt à servir"], _seen);
    }

    [Fact]
    public void Byte_by_byte_feeding_finds_the_same_line()
    {
        var watcher = Watch(@"^ready \d+$");
        foreach (var b in Encoding.UTF8.GetBytes("not yet\r\nready 42\r\n"))
        {
            watcher.Feed(OutputKind.Stderr, [b]);
        }

        Assert.Equal(["ready 42"], _seen);
    }

    [Fact]
    public void A_carriage_return_before_the_newline_is_not_part_of_the_line()
    {
        var watcher = Watch("up$");
        Feed(watcher, "server up\r\n");
        Assert.Equal(["server up"], _seen);
    }

    [Fact]
    public void Without_a_matching_line_nothing_is_reported()
    {
        var watcher = Watch("listening");
        Feed(watcher, "starting\nstill starting\n");
        watcher.Finish(OutputKind.Stdout);
        Assert.Empty(_seen);
        Assert.False(watcher.Done);
    }

    [Fact]
    public void Only_the_first_match_is_reported_across_both_streams()
    {
        var watcher = Watch("ready");
        Feed(watcher, "ready 1\nready 2\n", OutputKind.Stderr);
        Feed(watcher, "ready 3\n");
        watcher.Finish(OutputKind.Stdout);
        Assert.Equal(["ready 1"], _seen);
    }

    [Fact]
    public void Each_stream_keeps_its_own_partial_line()
    {
        var watcher = Watch("^listening on 80$");
        Feed(watcher, "listening ");
        Feed(watcher, "noise\n", OutputKind.Stderr);
        Feed(watcher, "on 80\n");
        Assert.Equal(["listening on 80"], _seen);
    }

    [Fact]
    public void The_last_line_without_a_line_end_is_looked_at_when_the_stream_ends()
    {
        var watcher = Watch("done");
        Feed(watcher, "work\ndone");
        Assert.Empty(_seen);
        watcher.Finish(OutputKind.Stdout);
        Assert.Equal(["done"], _seen);
    }

    [Fact]
    public void A_huge_line_is_cut_at_the_limit_without_splitting_a_character()
    {
        var watcher = Watch("^é+x$");
        // 4095 bytes of 'a' then 'é' (2 bytes): the cut at 4096 would split it, so 'é' starts the next piece.
        Feed(watcher, new string('a', ReadyLineWatcher.MaxLineBytes - 1) + "éx\n");
        Assert.Equal(["éx"], _seen);
    }

    [Fact]
    public void A_line_far_longer_than_the_limit_is_looked_at_in_pieces()
    {
        var watcher = Watch("^b+$");
        var chunk = Encoding.UTF8.GetBytes(new string('b', 1000));
        for (var i = 0; i < 100; i++)
        {
            watcher.Feed(OutputKind.Stdout, chunk);
        }

        Assert.Equal([new string('b', ReadyLineWatcher.MaxLineBytes)], _seen);
    }

    [Fact]
    public void Ten_MB_without_a_newline_on_both_streams_never_buffers_more_than_the_limit_each()
    {
        var watcher = Watch("never");
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        for (var written = 0; written < 10_000_000; written += chunk.Length)
        {
            watcher.Feed(OutputKind.Stdout, chunk);
            watcher.Feed(OutputKind.Stderr, chunk);
            Assert.InRange(watcher.BufferedCapacity, 0, 2 * ReadyLineWatcher.MaxLineBytes);
        }

        Assert.Empty(_seen);
    }

    [Fact]
    public void After_Stop_a_matching_line_is_not_reported()
    {
        var watcher = Watch("ready");
        watcher.Stop();
        Feed(watcher, "ready\n");
        watcher.Finish(OutputKind.Stdout);
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task A_match_that_runs_too_long_counts_as_no_match()
    {
        // Catastrophic backtracking on a long run of 'a' followed by 'b': without the watcher's match timeout this
        // line would take hours, so ending at all within the (generous) bound shows the timeout works.
        var watcher = Watch("^(a+)+$");
        await Task.Run(() => Feed(watcher, new string('a', 40) + "b\nok\n"), TestContext.Current.CancellationToken).WaitAsync(KrustPm.Tests.Shared.Eventually.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.Empty(_seen);
    }

    [Fact]
    public void An_invalid_pattern_is_refused_when_the_watcher_is_made()
    {
        Assert.ThrowsAny<ArgumentException>(() => Watch("(unclosed"));
    }

    private ReadyLineWatcher Watch(string pattern) => new(pattern, _seen.Add);

    private static void Feed(ReadyLineWatcher watcher, string text, OutputKind stream = OutputKind.Stdout) =>
        watcher.Feed(stream, Encoding.UTF8.GetBytes(text));
}
