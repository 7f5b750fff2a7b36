using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>
/// New log sizes (<c>log_max_bytes</c>, <c>log_backups</c>, changed in place by a reload) apply to a running instance's
/// sink from its next write, and to a sink asked for again with new sizes (its next launch).
/// </summary>
public sealed class LogPolicyChangeTests : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public void New_sizes_applied_to_a_program_rotate_its_running_sinks_at_the_new_size()
    {
        var sink = _logs.Store.Sink("web", 0, OutputKind.Stdout, new LogPolicy { MaxBytes = 1000, Backups = 3 });
        var other = _logs.Store.Sink("db", 0, OutputKind.Stdout, new LogPolicy { MaxBytes = 1000, Backups = 3 });
        sink.Write(LogFolder.Bytes("aaaaaaa\n"));

        _logs.Store.ApplyPolicy("web", new LogPolicy { MaxBytes = 10, Backups = 1 });
        sink.Write(LogFolder.Bytes("bbbbbbb\n"));
        other.Write(LogFolder.Bytes("ccccccc\n"));
        other.Write(LogFolder.Bytes("ddddddd\n"));

        Assert.Equal(new LogPolicy { MaxBytes = 10, Backups = 1 }, sink.Policy);
        Assert.Equal(["db.0.stdout.log", "web.0.stdout.log", "web.0.stdout.log.1"], _logs.FileNames());
        Assert.Equal("bbbbbbb\n", File.ReadAllText(sink.Path));
        Assert.Equal(new LogPolicy { MaxBytes = 1000, Backups = 3 }, other.Policy);
    }

    [Fact]
    public void A_sink_asked_for_with_new_sizes_uses_them()
    {
        var first = _logs.Store.Sink("web", 0, OutputKind.Stdout, new LogPolicy { MaxBytes = 1000, Backups = 3 });

        var again = _logs.Store.Sink("web", 0, OutputKind.Stdout, new LogPolicy { MaxBytes = 10, Backups = 2 });

        Assert.Same(first, again);
        Assert.Equal(new LogPolicy { MaxBytes = 10, Backups = 2 }, again.Policy);
    }
}
