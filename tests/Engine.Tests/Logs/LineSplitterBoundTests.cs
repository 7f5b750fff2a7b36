using System.Text;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>
/// Output with no newline: the splitter's buffer never holds more than one 64 KiB piece, every piece of a cut line
/// but the last says it continues, and a cut never splits a UTF-8 character.
/// </summary>
public sealed class LineSplitterBoundTests
{
    private const int Max = LineSplitter.MaxLineBytes;
    private readonly LineSplitter _splitter = new();

    [Fact]
    public void Ten_MB_without_a_newline_never_buffers_more_than_64_KiB()
    {
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        var pieces = 0;
        for (var written = 0; written < 10_000_000; written += chunk.Length)
        {
            pieces += _splitter.Push(chunk).Count;
            Assert.InRange(_splitter.BufferedCapacity, 0, Max);
        }

        Assert.InRange(pieces, (10_000_000 / Max) - 1, 10_000_000 / Max);
    }

    [Fact]
    public void Every_piece_of_a_cut_line_but_the_last_ends_with_the_continuation_marker()
    {
        var lines = Push(new string('x', (2 * Max) + 10) + "\ny\n");

        Assert.Equal(
            [new string('x', Max) + LineSplitter.ContinuationMarker, new string('x', Max) + LineSplitter.ContinuationMarker, new string('x', 10), "y"],
            lines);
    }

    [Fact]
    public void A_line_of_exactly_64_KiB_has_no_marker()
    {
        var line = new string('x', Max);

        Assert.Equal([line], Push(line + "\n"));
    }

    [Fact]
    public void A_cut_never_splits_a_character()
    {
        // 'é' is 2 bytes; placed across the 64 KiB limit, it goes whole to the next piece.
        var lines = Push(new string('a', Max - 1) + "é" + "z\n");

        Assert.Equal([new string('a', Max - 1) + LineSplitter.ContinuationMarker, "éz"], lines);
    }

    [Fact]
    public void After_a_long_line_ends_the_buffer_is_given_back()
    {
        Push(new string('x', 3 * Max) + "\n");
        Push("short line without its end");

        Assert.InRange(_splitter.BufferedCapacity, 0, 4096);
    }

    [Fact]
    public void A_splitter_without_a_marker_cuts_at_its_own_limit()
    {
        var splitter = new LineSplitter(maxLineBytes: 8, continuationMarker: null);

        Assert.Equal(["abcdefgh", "ij"], splitter.Push(Encoding.UTF8.GetBytes("abcdefghij\n")));
    }

    private List<string> Push(string text) => _splitter.Push(Encoding.UTF8.GetBytes(text));
}
