using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>Cutting a byte stream into lines, whatever the chunks it arrives in.</summary>
public sealed class LineSplitterTests
{
    private const int Max = 64 * 1024;
    private readonly LineSplitter _splitter = new();

    [Fact]
    public void A_partial_line_is_kept_until_its_end_arrives()
    {
        Assert.Empty(Push("ab"));
        Assert.Equal(["abc"], Push("c\nde"));
        Assert.Equal(["def", "g"], Push("f\ng\n"));
        Assert.Null(_splitter.Finish());
    }

    [Fact]
    public void Empty_lines_are_lines()
    {
        Assert.Equal(["", "", "x"], Push("\n\nx\n"));
    }

    [Fact]
    public void A_carriage_return_before_the_newline_is_removed_even_in_another_chunk()
    {
        Assert.Equal(["a"], Push("a\r\nb\r"));
        Assert.Equal(["b", "c\rd"], Push("\nc\rd\n"));
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_become_replacement_characters()
    {
        Assert.Equal(["\uFFFDx", "\u00e9"], _splitter.Push([0xFF, (byte)'x', (byte)'\n', 0xC3, 0xA9, (byte)'\n']));
    }

    [Fact]
    public void A_character_cut_between_chunks_is_decoded_whole()
    {
        Assert.Empty(_splitter.Push([(byte)'t', 0xC3]));
        Assert.Equal(["t\u00e9"], _splitter.Push([0xA9, (byte)'\n']));
    }

    [Fact]
    public void An_over_long_line_is_cut_every_64_KiB()
    {
        var lines = Push(new string('x', (2 * Max) + 10) + "\ny\n");

        Assert.Equal([Max, Max, 10, 1], lines.Select(Length));
    }

    [Fact]
    public void An_over_long_line_arriving_in_small_chunks_is_cut_the_same_way()
    {
        var lines = new List<string>();
        for (var i = 0; i < 70; i++)
        {
            lines.AddRange(Push(new string('x', 1000)));
        }

        lines.AddRange(Push("\n"));

        Assert.Equal([Max, 70_000 - Max], lines.Select(Length));
    }

    [Fact]
    public void A_line_of_exactly_64_KiB_is_one_line_even_when_its_newline_comes_in_the_next_chunk()
    {
        var line = new string('x', Max);

        var lines = Push(line).Concat(Push("\nnext\n")).ToList();

        Assert.Equal([line, "next"], lines);
        Assert.Equal([line, "next"], new LineSplitter().Push(LogFolder.Bytes(line + "\nnext\n")));
    }

    [Fact]
    public void Finish_returns_the_unterminated_last_line_once()
    {
        Assert.Null(_splitter.Finish());

        Push("done\nunterminated");

        Assert.Equal("unterminated", _splitter.Finish());
        Assert.Null(_splitter.Finish());
        Assert.Equal(["next"], Push("next\n"));
    }

    private static int Length(string line) =>
        line.EndsWith(LineSplitter.ContinuationMarker, StringComparison.Ordinal) ? line.Length - LineSplitter.ContinuationMarker.Length : line.Length;

    private List<string> Push(string text) => _splitter.Push(LogFolder.Bytes(text));
}
