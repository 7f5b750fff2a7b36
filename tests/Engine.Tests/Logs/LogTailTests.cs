using System.Text;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>Reading the last lines of a log from its end, across rotated files.</summary>
public sealed class LogTailTests : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    private string Current => _logs.CurrentFile();

    [Fact]
    public void Fewer_lines_than_asked_are_all_returned_oldest_first()
    {
        File.WriteAllText(Current, "a\nb\n");

        Assert.Equal(["a", "b"], LogTail.Read(Current, 5));
    }

    [Fact]
    public void Exactly_the_last_n_lines_are_returned()
    {
        File.WriteAllText(Current, "a\nb\nc\n");

        Assert.Equal(["a", "b", "c"], LogTail.Read(Current, 3));
        Assert.Equal(["b", "c"], LogTail.Read(Current, 2));
        Assert.Equal(["c"], LogTail.Read(Current, 1));
        Assert.Empty(LogTail.Read(Current, 0));
    }

    [Fact]
    public void Lines_are_read_across_the_rotated_files_newest_last()
    {
        File.WriteAllText(Current + ".2", "1\n2\n");
        File.WriteAllText(Current + ".1", "3\n4\n");
        File.WriteAllText(Current, "5\n6\n");

        Assert.Equal(["1", "2", "3", "4", "5", "6"], LogTail.Read(Current, 100));
        Assert.Equal(["2", "3", "4", "5", "6"], LogTail.Read(Current, 5));
        Assert.Equal(["4", "5", "6"], LogTail.Read(Current, 3));
        Assert.Equal(["3", "4", "5", "6"], LogTail.Read(Current, 100, maxGenerations: 1));
    }

    [Fact]
    public void A_line_split_by_rotation_is_read_whole()
    {
        File.WriteAllText(Current + ".1", "1\nsplit ");
        File.WriteAllText(Current, "line\n2\n");

        Assert.Equal(["1", "split line", "2"], LogTail.Read(Current, 10));
        Assert.Equal(["split line", "2"], LogTail.Read(Current, 2));
    }

    [Fact]
    public void A_last_line_without_its_newline_is_still_a_line()
    {
        File.WriteAllText(Current, "a\nb");

        Assert.Equal(["b"], LogTail.Read(Current, 1));
        Assert.Equal(["a", "b"], LogTail.Read(Current, 5));
    }

    [Fact]
    public void Empty_lines_are_lines()
    {
        File.WriteAllText(Current, "\n\nx\n\n");

        Assert.Equal(["", "", "x", ""], LogTail.Read(Current, 10));
    }

    [Fact]
    public void A_missing_or_empty_log_has_no_lines()
    {
        Assert.Empty(LogTail.Read(Current, 10));

        File.WriteAllText(Current, string.Empty);
        Assert.Empty(LogTail.Read(Current, 10));
    }

    [Fact]
    public void An_empty_or_missing_current_file_does_not_hide_the_rotated_ones()
    {
        File.WriteAllText(Current + ".1", "older\nnewest\n");
        Assert.Equal(["older", "newest"], LogTail.Read(Current, 10));

        File.WriteAllText(Current, string.Empty);
        Assert.Equal(["newest"], LogTail.Read(Current, 1));
    }

    [Fact]
    public void A_directory_in_the_way_counts_as_no_file()
    {
        Directory.CreateDirectory(Current);
        File.WriteAllText(Current + ".1", "older\n");

        Assert.Equal(["older"], LogTail.Read(Current, 5));
    }

    [Fact]
    public void Lines_spanning_64_KiB_blocks_are_read_whole()
    {
        var random = new Random(1234);
        var lines = Enumerable.Range(0, 3000)
            .Select(i => $"{i}:" + new string((char)('a' + (i % 26)), random.Next(0, i % 500 == 0 ? 150_000 : 200)))
            .ToList();
        File.WriteAllText(Current, string.Join('\n', lines) + "\n");
        Assert.True(new FileInfo(Current).Length > 5 * 64 * 1024);

        // Lines longer than 64 KiB come in pieces, as the line splitter cuts them.
        var pieces = new LineSplitter().Push(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        foreach (var count in new[] { 1, 2, 499, 500, 501, 1000, 2999, 3000, 3006, 4000 })
        {
            Assert.Equal(pieces.TakeLast(count), LogTail.Read(Current, count));
        }
    }

    [Fact]
    public void A_character_cut_by_a_block_boundary_is_decoded_whole()
    {
        // "é" is two bytes; put its first byte just before the last 64 KiB of the file.
        var last = new string('x', (64 * 1024) - 3);
        File.WriteAllText(Current, "first\nt\u00e9\n" + last + "\n");

        Assert.Equal(["first", "t\u00e9", last], LogTail.Read(Current, 3));
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_become_replacement_characters()
    {
        File.WriteAllBytes(Current, [.. "ok\n"u8, 0xFF, 0xC3, (byte)'x', (byte)'\n']);

        Assert.Equal(["ok", "\uFFFD\uFFFDx"], LogTail.Read(Current, 5));
    }

    [Fact]
    public void Windows_line_ends_are_removed_like_the_line_splitter_does()
    {
        File.WriteAllText(Current, "one\r\ntwo\r\n");

        Assert.Equal(["one", "two"], LogTail.Read(Current, 5));
        Assert.Equal(new LineSplitter().Push(Encoding.UTF8.GetBytes("one\r\ntwo\r\n")), LogTail.Read(Current, 5));
    }

    [Fact]
    public void Reading_while_the_log_rotates_never_fails()
    {
        // Every write fills a file: the log rotates all the time, under the reads.
        var sink = _logs.Sink(LogPolicy.Default with { MaxBytes = 10, Backups = 10 });
        using var stop = new CancellationTokenSource();
        var writer = new Thread(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                sink.Write(LogFolder.Bytes($"line {i % 10_000:D4}\n"));
            }
        });

        writer.Start();
        try
        {
            for (var read = 0; read < 3000; read++)
            {
                Assert.InRange(LogTail.Read(Current, 100).Count, 0, 100);
            }
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }
    }
}
