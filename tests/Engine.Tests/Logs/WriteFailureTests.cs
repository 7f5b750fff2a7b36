using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>A log file that cannot be written: reported once, never thrown at the program's copy, and recovered from.</summary>
public sealed class WriteFailureTests : IDisposable
{
    private readonly LogFolder _logs = new();
    private readonly List<(OutputSink Sink, Exception Error)> _failures = [];

    public WriteFailureTests() => _logs.Store.WriteFailed += (sink, error) => _failures.Add((sink, error));

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_full_disk_is_reported_once_the_output_still_reaches_followers_and_writing_resumes_with_space()
    {
        File.CreateSymbolicLink(_logs.CurrentFile(), "/dev/full");
        var sink = _logs.Sink();
        using var follower = sink.Follow(0, out _);
        await using var reader = new FollowReader(follower);

        for (var i = 0; i < 20; i++)
        {
            sink.Mark($"--- try {i} ---");
            sink.Write(LogFolder.Bytes($"line {i}\n"));
        }

        var (failedSink, error) = Assert.Single(_failures);
        Assert.Same(sink, failedSink);
        Assert.IsAssignableFrom<IOException>(error);
        Assert.Equal("--- try 0 ---", await reader.NextAsync());
        Assert.Equal("line 0", await reader.NextAsync());

        File.Delete(_logs.CurrentFile());
        sink.Write(LogFolder.Bytes("space again\n"));
        Assert.Equal("space again\n", File.ReadAllText(_logs.CurrentFile()));

        // Once writing worked again, the next failure is news again.
        sink.Dispose();
        File.Delete(_logs.CurrentFile());
        File.CreateSymbolicLink(_logs.CurrentFile(), "/dev/full");
        sink.Write(LogFolder.Bytes("full again\n"));
        sink.Write(LogFolder.Bytes("still full\n"));
        Assert.Equal(2, _failures.Count);
    }

    [Fact]
    public void A_directory_in_the_way_is_reported_once_and_writing_resumes_when_it_is_gone()
    {
        Directory.CreateDirectory(_logs.CurrentFile());
        var sink = _logs.Sink();

        for (var i = 0; i < 20; i++)
        {
            sink.Mark($"--- try {i} ---");
            sink.Write(LogFolder.Bytes($"line {i}\n"));
        }

        Assert.Single(_failures);
        Directory.Delete(_logs.CurrentFile());
        sink.Mark("--- try 20 ---");
        sink.Write(LogFolder.Bytes("line 20\n"));
        Assert.Equal("--- try 20 ---\nline 20\n", File.ReadAllText(_logs.CurrentFile()));
        Assert.Single(_failures);
    }

    [Fact]
    public void A_rotation_that_cannot_move_a_file_is_reported_once_and_writing_resumes_when_it_can()
    {
        var sink = _logs.Sink(LogPolicy.Default with { MaxBytes = 10, Backups = 2 });
        Directory.CreateDirectory(_logs.CurrentFile() + ".1");
        Directory.CreateDirectory(Path.Combine(_logs.CurrentFile() + ".1", "in the way"));

        for (var i = 0; i < 20; i++)
        {
            sink.Write(LogFolder.Bytes($"line {i:D2}\n"));
        }

        Assert.Single(_failures);
        Directory.Delete(_logs.CurrentFile() + ".1", recursive: true);
        sink.Write(LogFolder.Bytes("line 20\n"));
        sink.Write(LogFolder.Bytes("line 21\n"));
        Assert.Equal("line 21\n", File.ReadAllText(_logs.CurrentFile()));
        Assert.Equal("line 20\n", File.ReadAllText(_logs.CurrentFile() + ".1"));
    }
}
