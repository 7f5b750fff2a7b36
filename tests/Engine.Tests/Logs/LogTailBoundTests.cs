using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>
/// The tail of a log with no newline in it: read from the end only as far as the lines asked for can reach (each at
/// most 64 KiB), never a whole file, and never more than <see cref="LogTail.MaxBytes"/>.
/// </summary>
public sealed class LogTailBoundTests : IDisposable
{
    private const int Max = LineSplitter.MaxLineBytes;
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    private string Current => _logs.CurrentFile();

    [Fact]
    public void The_last_line_of_ten_MB_without_a_newline_is_its_last_64_KiB_and_costs_no_more()
    {
        WriteWithoutNewline(Current, 10_000_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = LogTail.Read(Current, 1);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var line = Assert.Single(lines);
        Assert.Equal(new string('x', Max), line);
        Assert.InRange(allocated, 0, 2 * 1024 * 1024);
    }

    [Fact]
    public void Pieces_of_a_long_line_read_from_its_start_count_as_lines_and_say_that_they_continue()
    {
        File.WriteAllText(Current, "start\n" + new string('x', (3 * Max) + 10));

        var lines = LogTail.Read(Current, 4);

        var piece = new string('x', Max) + LineSplitter.ContinuationMarker;
        Assert.Equal([piece, piece, piece, new string('x', 10)], lines);
    }

    [Fact]
    public void A_tail_of_many_lines_reads_at_most_MaxBytes_across_the_rotated_files()
    {
        foreach (var generation in new[] { 3, 2, 1, 0 })
        {
            WriteWithoutNewline(LogFileNames.Rotated(Current, generation), 4_000_000);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = LogTail.Read(Current, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var lengths = lines.Select(line => line.Replace(LineSplitter.ContinuationMarker, string.Empty, StringComparison.Ordinal).Length).ToList();
        Assert.All(lengths, length => Assert.Equal(Max, length));
        Assert.InRange(lengths.Sum(length => (long)length), LogTail.MaxBytes - Max, LogTail.MaxBytes);
        Assert.InRange(allocated, 0, 5L * LogTail.MaxBytes);
    }

    private static void WriteWithoutNewline(string path, int bytes)
    {
        var data = new byte[bytes];
        data.AsSpan().Fill((byte)'x');
        File.WriteAllBytes(path, data);
    }
}
