using System.Runtime.InteropServices;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// The engine and the real launcher with this process's own RLIMIT_NOFILE lowered so that only a few instances fit:
/// the others wait for descriptors (no failure counted, krust-pm's reserve untouched) and start once descriptors are
/// given back. Runs alone: it lowers the limit of the whole test process.
/// </summary>
[Collection(typeof(Measurements))]
public sealed partial class DescriptorShortageTests
{
    private const int Instances = 20;

    /// <summary>Room left under the lowered limit, past krust-pm's reserve: a few instances (each holds 4 or 5 descriptors).</summary>
    private const int Room = 30;

    private const int RlimitNofile = 7;

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the Process fallback
    public async Task Instances_beyond_the_descriptor_limit_wait_without_failing_and_start_once_descriptors_are_freed(bool fallback)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var folder = Directory.CreateTempSubdirectory("krust-fds-").FullName;
        var store = new Engine.Logs.OutputStore(folder);
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default with { Guardian = false, UseProcessStart = fallback }, store);
        var engine = new ProcessEngine(launcher);
        var pids = new List<int>();
        engine.Applied += applied =>
        {
            if (applied.Message is Message.Started started)
            {
                pids.Add(started.Pid);
            }
        };
        engine.Start();
        var original = GetLimit();

        // Descriptors held elsewhere in krust-pm (connections, files): given back later in the test.
        var hog = Enumerable.Range(0, 100).Select(_ => File.OpenHandle("/dev/null")).ToList();
        try
        {
            var open = DescriptorBudget.Open();
            var lowered = open + 32 + Room;
            Assert.Equal(32, DescriptorBudget.Reserve(lowered)); // the sum above assumes it
            SetSoftLimit(lowered, original);
            var spec = new ProgramSpec("sleepy", "sleep 60", ["/bin/sleep", "60"]) { Instances = Instances, MaxRetries = 1, WorkingDirectory = folder };

            Assert.True((await engine.LoadAsync([spec], limit.Token)).Accepted);
            var short_ = await engine.WaitForAsync(
                s => s.ResourceShortage is { } shortage && Count(s, InstanceStatus.Running) is > 0 and var running && running + shortage.Instances == Instances,
                limit.Token);

            var waiting = short_.Programs[0].Instances.Where(i => i.Status is not InstanceStatus.Running).ToList();
            Assert.All(waiting, i => Assert.True(i.Status is InstanceStatus.Backoff or InstanceStatus.Started && i.ResourceWaits > 0 && i.ConsecutiveFailures == 0 && i.CurrentTry == 1, $"{i}"));
            Assert.StartsWith("krust-pm is short of file descriptors: ", short_.ResourceShortage!.Reason, StringComparison.Ordinal);
            Assert.InRange(DescriptorBudget.Open(), 0, lowered - 32); // the reserve is left alone

            foreach (var handle in hog)
            {
                handle.Dispose();
            }

            var recovered = await engine.WaitForAsync(s => Count(s, InstanceStatus.Running) == Instances, limit.Token);
            Assert.Null(recovered.ResourceShortage);
            Assert.All(recovered.Programs[0].Instances, i => Assert.Equal((1, 0, 0, (string?)null), (i.CurrentTry, i.ConsecutiveFailures, i.ResourceWaits, i.LastError)));
        }
        finally
        {
            SetSoftLimit(original.Soft, original);
            foreach (var handle in hog)
            {
                handle.Dispose();
            }

            await engine.StopAsync(CancellationToken.None);
            Cleanup.KillLeftovers(pids);
            store.Dispose();
            await Cleanup.DeleteAsync(folder);
        }

        Assert.All(pids, pid => Assert.Empty(ProcFs.InSession(pid)));
    }

    [Fact]
    public async Task A_probe_krust_pm_has_no_descriptors_for_is_skipped_not_failed()
    {
        var original = GetLimit();
        try
        {
            SetSoftLimit(DescriptorBudget.Open() + 32, original); // nothing but krust-pm's reserve left

            var (exec, _) = await Health.ProbeHarness.RunAsync(Health.ProbeHarness.Exec("/bin/true"));
            var (tcp, _) = await Health.ProbeHarness.RunAsync(new Engine.Health.ProbeSpec { Tcp = "127.0.0.1:9" });

            Assert.All([exec, tcp], outcome => Assert.True(
                outcome is { Skipped: true, Passed: false } && outcome.Detail.StartsWith("not run: krust-pm is short of file descriptors: ", StringComparison.Ordinal),
                outcome.ToString()));
        }
        finally
        {
            SetSoftLimit(original.Soft, original);
        }
    }

    private static int Count(EngineState state, InstanceStatus status) => state.Programs[0].Instances.Count(i => i.Status == status);

    private static Rlimit GetLimit()
    {
        var limits = default(Rlimit);
        Assert.Equal(0, GetRlimit(RlimitNofile, ref limits));
        return limits;
    }

    private static void SetSoftLimit(ulong soft, Rlimit original)
    {
        var limits = original with { Soft = soft };
        Assert.Equal(0, SetRlimit(RlimitNofile, ref limits));
    }

    private static void SetSoftLimit(long soft, Rlimit original) => SetSoftLimit((ulong)soft, original);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, ref Rlimit limits);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, ref Rlimit limits);

    /// <summary>struct rlimit.</summary>
    private record struct Rlimit(ulong Soft, ulong Hard);
}
