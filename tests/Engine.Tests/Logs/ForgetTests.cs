using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>An instance gone for good lets go of its log files; the others keep theirs.</summary>
public sealed class ForgetTests : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_forgotten_instance_closes_both_its_files_and_only_its_own()
    {
        foreach (var (instance, stream) in new[] { (0L, OutputKind.Stdout), (0L, OutputKind.Stderr), (1L, OutputKind.Stdout) })
        {
            _logs.Store.Sink("web", instance, stream, LogPolicy.Default).Write(LogFolder.Bytes("a line\n"));
        }

        Assert.Equal(3, OpenLogFiles().Count);

        Assert.Equal(2, _logs.Store.Forget("web", 0));

        Assert.Null(_logs.Store.Find("web", 0, OutputKind.Stdout));
        Assert.NotNull(_logs.Store.Find("web", 1, OutputKind.Stdout));
        await Eventually.Assert(() => OpenLogFiles().SequenceEqual([_logs.Store.PathOf("web", 1, OutputKind.Stdout)]), "only web.1's file is open");
        Assert.Equal(1, _logs.Store.Forget("web"));
        await Eventually.Assert(() => OpenLogFiles().Count == 0, "no log file is open");
    }

    /// <summary>This process's open files in the log folder, from /proc/self/fd.</summary>
    private List<string> OpenLogFiles() =>
        [.. Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target is not null && target.StartsWith(_logs.Path, StringComparison.Ordinal))
            .Select(target => target!)];
}
