using System.Diagnostics;
using System.Globalization;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>Runs alone, so that the figures it reports are this test's own.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class Measurements;

/// <summary>How fast a child's output reaches its log file and what that costs this process. Reports figures; only
/// correctness is asserted.</summary>
[Collection(typeof(Measurements))]
public sealed class OutputThroughputTests : IAsyncDisposable
{
    private const long Total = 100_000_000;
    private readonly CapturedLaunches _captured = new("krust-throughput-", logs: null);

    public ValueTask DisposeAsync() => _captured.DisposeAsync();

    [Theory]
    [InlineData("one line", "head -c 100000000 /dev/zero | tr '\\0' 'x'", 0L)]
    [InlineData("81-byte lines, 10 MiB files", "yes 'a line of a log, padded to eighty bytes with some text: 0123456789 abcdefghijklm' | head -c 100000000", 10L * 1024 * 1024)]
    public async Task One_hundred_MB_written_as_fast_as_a_child_can_reaches_the_log_files(string shape, string script, long maxBytes)
    {
        var policy = LogPolicy.Default with { MaxBytes = maxBytes, Backups = 20 };
        var spec = new ProgramSpec("fast", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _captured.Folder, Log = policy };
        var current = _captured.Store.PathOf("fast", 0, OutputKind.Stdout);
        var files = Enumerable.Range(0, policy.Backups + 1).Select(g => LogFileNames.Rotated(current, g)).Reverse().ToList();

        // Oldest first: a rotation during the sum moves files only to names already summed, so no byte is counted
        // twice; the sum can only fall short, and the poll then looks again.
        long Written() => files.Sum(SizeOf);

        GC.Collect();
        var self = Process.GetCurrentProcess();
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
        var rssBefore = Status("VmRSS");
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        _captured.Launcher.Launch(new LaunchRequest(1, spec, InstanceId: 0, Try: 1), _captured.Events);
        Assert.Equal("started 1", await _captured.Events.NextAsync());

        // The files hold a marker line, then the output.
        var expected = Total + $"--- krust-pm: fast.0 try 1 started, pid {_captured.Events.Pid}, 2026-01-01T00:00:00.000Z ---\n".Length;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Written() < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {Written()} bytes after 30 s");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        var peakGrowth = Status("VmHWM") - rssBefore;
        Assert.Equal("exited 1: 0", await _captured.Events.NextAsync());

        Assert.StartsWith("--- krust-pm: fast.0 try 1 started", File.ReadLines(files.First(File.Exists)).First(), StringComparison.Ordinal);

        // Then the exit marker, on a line of its own: both shapes end in the middle of a line, so a newline comes first.
        while (LogTail.Read(current, 1) is not [var exit] || !exit.StartsWith("--- krust-pm: fast.0 try 1 exited", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "no exit marker after 30 s");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected + 1 + LogTail.Read(current, 1)[0].Length + 1, Written());
        TestContext.Current.SendDiagnosticMessage(string.Create(
            CultureInfo.InvariantCulture,
            $"output capture, {shape}: 100 MB in {seconds:F2} s = {100 / seconds:F0} MB/s; this process: {cpu:F2} s CPU, peak RSS +{peakGrowth / 1024.0:F1} MiB; {files.Count(File.Exists)} file(s)"));
    }

    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (FileNotFoundException)
        {
            return 0; // not there yet, or rotated away just now
        }
    }

    /// <summary>A field of /proc/self/status, in KiB.</summary>
    private static long Status(string field) =>
        long.Parse(
            File.ReadLines("/proc/self/status").Single(line => line.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
}
