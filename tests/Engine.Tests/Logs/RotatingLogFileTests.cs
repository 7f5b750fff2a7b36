using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>How output lands in log files: names, rotation by size at line boundaries, backups, markers.</summary>
public sealed class RotatingLogFileTests : IDisposable
{
    private readonly LogFolder _logs = new();
    private readonly List<RotatingLogFile> _files = [];

    public void Dispose()
    {
        _files.ForEach(file => file.Dispose());
        _logs.Dispose();
    }

    [Fact]
    public void Files_are_named_program_instance_stream_and_rotated_files_get_a_generation_suffix()
    {
        var stdout = LogFileNames.Current(_logs.Path, "web", 3, OutputKind.Stdout);

        Assert.Equal(Path.Combine(_logs.Path, "web.3.stdout.log"), stdout);
        Assert.Equal(Path.Combine(_logs.Path, "web.3.stderr.log"), LogFileNames.Current(_logs.Path, "web", 3, OutputKind.Stderr));
        Assert.Equal(stdout, LogFileNames.Rotated(stdout, 0));
        Assert.Equal(stdout + ".2", LogFileNames.Rotated(stdout, 2));
        Assert.Equal(stdout, _logs.Store.PathOf("web", 3, OutputKind.Stdout));

        var sink = _logs.Store.Sink("web", 3, OutputKind.Stderr, LogPolicy.Default);
        sink.Write(LogFolder.Bytes("x\n"));

        Assert.Equal(["web.3.stderr.log"], _logs.FileNames());
        Assert.Equal(Path.Combine(_logs.Path, "web.3.stderr.log"), sink.Path);
    }

    [Fact]
    public void A_file_is_rotated_after_the_last_whole_line_that_fits()
    {
        var file = Open(maxBytes: 8, backups: 3);

        file.Write(LogFolder.Bytes("aaa\nbbbbbb\n"));

        Assert.Equal("aaa\n", Generation(1));
        Assert.Equal("bbbbbb\n", Generation(0));
    }

    [Fact]
    public void A_line_that_does_not_fit_in_what_is_left_starts_a_new_file()
    {
        var file = Open(maxBytes: 10, backups: 3);

        file.Write(LogFolder.Bytes("aaaa\n"));
        file.Write(LogFolder.Bytes("bbbbbbb\n"));

        Assert.Equal("aaaa\n", Generation(1));
        Assert.Equal("bbbbbbb\n", Generation(0));
    }

    [Fact]
    public void A_line_longer_than_MaxBytes_is_split_across_files_with_nothing_lost()
    {
        var file = Open(maxBytes: 4, backups: 5);

        file.Write(LogFolder.Bytes("abcdefghij\n"));

        Assert.Equal(["abcd", "efgh", "ij\n"], [Generation(2), Generation(1), Generation(0)]);
        Assert.Equal(["web.0.stdout.log", "web.0.stdout.log.1", "web.0.stdout.log.2"], _logs.FileNames());
    }

    [Fact]
    public void Only_Backups_rotated_files_are_kept_and_the_oldest_go_first()
    {
        var file = Open(maxBytes: 2, backups: 2);

        file.Write(LogFolder.Bytes("1\n2\n3\n"));
        file.Write(LogFolder.Bytes("4\n5\n"));

        Assert.Equal(["3\n", "4\n", "5\n"], [Generation(2), Generation(1), Generation(0)]);
        Assert.Equal(["web.0.stdout.log", "web.0.stdout.log.1", "web.0.stdout.log.2"], _logs.FileNames());
    }

    [Fact]
    public void With_no_backups_a_full_file_starts_again_empty()
    {
        var file = Open(maxBytes: 4, backups: 0);

        file.Write(LogFolder.Bytes("1\n2\n3\n4\n5\n"));

        Assert.Equal("5\n", Generation(0));
        Assert.Equal(["web.0.stdout.log"], _logs.FileNames());
    }

    [Fact]
    public void MaxBytes_zero_never_rotates()
    {
        var file = Open(maxBytes: 0, backups: 3);
        var chunk = LogFolder.Bytes(new string('x', 1023) + "\n");

        for (var i = 0; i < 3 * 1024; i++)
        {
            file.Write(chunk);
        }

        Assert.Equal(["web.0.stdout.log"], _logs.FileNames());
        Assert.Equal(3L * 1024 * 1024, new FileInfo(_logs.CurrentFile()).Length);
    }

    [Fact]
    public void Writing_to_an_existing_file_appends_and_counts_its_size()
    {
        File.WriteAllText(_logs.CurrentFile(), "earlier\n");
        var file = Open(maxBytes: 12, backups: 1);

        file.Write(LogFolder.Bytes("now\n"));
        Assert.Equal("earlier\nnow\n", Generation(0));

        file.Write(LogFolder.Bytes("next\n"));
        Assert.Equal("earlier\nnow\n", Generation(1));
        Assert.Equal("next\n", Generation(0));
    }

    [Fact]
    public void Markers_go_on_a_line_of_their_own_with_a_newline_added_only_when_needed()
    {
        var sink = _logs.Sink();

        sink.Mark("--- try 1 ---");
        sink.Write(LogFolder.Bytes("whole line\n"));
        sink.Mark("--- try 2 ---");
        sink.Write(LogFolder.Bytes("half a li"));
        sink.Mark("--- try 3 ---");

        Assert.Equal("--- try 1 ---\nwhole line\n--- try 2 ---\nhalf a li\n--- try 3 ---\n", Generation(0));
    }

    [Theory]
    [InlineData("crashed in the middle of a li", "crashed in the middle of a li\n--- try 1 ---\n")]
    [InlineData("ended cleanly\n", "ended cleanly\n--- try 1 ---\n")]
    public void A_marker_after_an_earlier_run_of_krust_pm_keeps_that_output_and_its_own_line(string earlier, string expected)
    {
        File.WriteAllText(_logs.CurrentFile(), earlier);

        _logs.Sink().Mark("--- try 1 ---");

        Assert.Equal(expected, Generation(0));
    }

    private RotatingLogFile Open(long maxBytes, int backups)
    {
        var file = new RotatingLogFile(_logs.CurrentFile(), LogPolicy.Default with { MaxBytes = maxBytes, Backups = backups });
        _files.Add(file);
        return file;
    }

    private string Generation(int generation) => File.ReadAllText(LogFileNames.Rotated(_logs.CurrentFile(), generation));
}
