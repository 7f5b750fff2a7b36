using KrustPm.Engine.Health;
using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Tests.Health;

/// <summary>
/// Exec probes give back every file descriptor they take as soon as they report, not when the garbage collector
/// happens to finalize something. Runs alone: it counts this process's descriptors, which other tests would move.
/// </summary>
[Collection(typeof(Linux.Measurements))]
public sealed class ExecProbeDescriptorTests
{
    /// <summary>Probes running at once (more than one, as several instances' probes do).</summary>
    private const int AtOnce = 8;

    [Theory]
    [InlineData(false, 5000)]
    [InlineData(true, 1000)] // the Process fallback: three more execs per probe, so fewer
    public async Task Thousands_of_exec_probes_leave_the_descriptor_count_flat_without_a_garbage_collection(bool fallback, int probes)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(180)); // ~10 s on a quiet machine; this one is shared
        var options = LinuxProcessLauncherOptions.Default with { UseProcessStart = fallback };
        var runner = new ProbeRunner(TimeProvider.System, options);
        var probe = ProbeHarness.Exec("/bin/true") with { Timeout = TimeSpan.FromSeconds(10) };
        await RunAsync(runner, probe, AtOnce, limit.Token); // the first ones load what every later one uses

        var before = OpenDescriptors();
        var peak = before;
        for (var done = 0; done < probes; done += AtOnce)
        {
            await RunAsync(runner, probe, AtOnce, limit.Token);
            peak = Math.Max(peak, OpenDescriptors());
        }

        var after = OpenDescriptors();
        TestContext.Current.SendDiagnosticMessage($"{probes} exec probes ({(fallback ? "Process" : "posix_spawn")}): descriptors {before} before, {peak} at most between batches, {after} after");
        Assert.InRange(peak, 0, before + 10);
        Assert.InRange(after, 0, before + 10);
    }

    private static async Task RunAsync(ProbeRunner runner, ProbeSpec probe, int count, CancellationToken cancellation)
    {
        var outcomes = Enumerable.Range(0, count).Select(_ =>
        {
            var outcome = new TaskCompletionSource<ProbeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            runner.Run(new ProbeRequest(1, "web", 0, ProbeKind.Liveness, probe), (_, result) => outcome.TrySetResult(result));
            return outcome.Task;
        }).ToList();

        foreach (var outcome in await Task.WhenAll(outcomes).WaitAsync(cancellation))
        {
            Assert.True(outcome.Passed, outcome.Detail);
        }
    }

    private static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;
}
