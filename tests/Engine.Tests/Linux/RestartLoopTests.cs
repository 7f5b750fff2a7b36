using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>Runs alone: it counts zombies among this test process's children, which other tests would disturb.</summary>
[CollectionDefinition(nameof(RestartLoopTests), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>The engine with the real launcher, restarting a program thousands of times.</summary>
[Collection(nameof(RestartLoopTests))]
public sealed class RestartLoopTests
{
    private const int Restarts = 2000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Thousands_of_restarts_leave_no_zombie_and_no_process_nor_cgroup(bool inCgroups)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        var folder = Directory.CreateTempSubdirectory("krust-loop-").FullName;
        CgroupTree? tree = null;
        if (inCgroups && !CgroupTree.TryOpen(null, CgroupTree.NameFor(folder), moveSelf: false, out tree, out var problem))
        {
            Assert.Skip($"no writable cgroup v2 here: {problem}");
        }

        using var cgroups = tree;
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default, cgroups: tree);
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
        var spec = new ProgramSpec("flap", "/bin/true", ["/bin/true"])
        {
            Restart = RestartPolicy.Always,
            RestartDelay = TimeSpan.Zero,
            WorkingDirectory = folder,
        };

        Assert.True((await engine.LoadAsync([spec], limit.Token)).Accepted);
        var during = await engine.WaitForAsync(s => s.Programs[0].Instances[0].CurrentTry >= Restarts, limit.Token);
        var zombiesDuring = ProcFs.ChildrenOf(Environment.ProcessId).Count;
        await engine.StopAsync(limit.Token);

        TestContext.Current.SendDiagnosticMessage($"{during.Programs[0].Instances[0].CurrentTry} tries; {zombiesDuring} live children while looping");
        Assert.DoesNotContain(ProcFs.All(), p => p.Parent == Environment.ProcessId && p.State == 'Z');
        Assert.DoesNotContain(pids, pid => ProcFs.Ids(pid) is { Session: var session } && session == pid); // none of our runs survives
        Assert.Equal(0, launcher.LiveRuns);
        if (tree is not null)
        {
            Assert.Equal([Path.Combine(tree.Root, CgroupTree.SupervisorLeaf)], Directory.GetDirectories(tree.Root)); // each run's cgroup removed
        }

        Directory.Delete(folder, recursive: true);
    }
}
