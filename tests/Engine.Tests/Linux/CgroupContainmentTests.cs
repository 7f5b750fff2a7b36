using System.Globalization;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// Containment with cgroup v2, with real processes: a program that starts a classic daemon (a double fork and
/// <c>setsid</c>: a new session and process group, its parent gone) cannot outlive its instance. Each test has its own
/// tree, under the cgroup the test process is in; the test process itself is not moved (krust-pm moves itself). The
/// daemon is a <c>sleep</c> whose duration is a number no other test uses: /proc shows it in its command line.
/// </summary>
public sealed class CgroupContainmentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-cgroup-").FullName;
    private readonly string _marker = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
    private readonly CgroupTree _tree;
    private readonly List<LinuxProcessLauncher> _launchers = [];

    public CgroupContainmentTests()
    {
        if (!CgroupTree.TryOpen(null, CgroupTree.NameFor(_folder), moveSelf: false, out var tree, out var problem))
        {
            Assert.Skip($"no writable cgroup v2 here: {problem}");
        }

        _tree = tree;
    }

    /// <summary>Starts a daemon that leaves the session (its parent, a subshell, exits at once), then sleeps.</summary>
    private string Daemonizing => $"(setsid sleep {_marker} &); exec sleep 1000";

    public void Dispose()
    {
        _launchers.ForEach(launcher => launcher.Dispose());
        _tree?.Dispose();
        foreach (var pid in Marked())
        {
            NativeMethods.Kill(pid, Signals.Kill); // nothing of this test may outlive it, even when it fails
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_stop_ends_a_daemon_that_left_the_process_group_before_the_instance_counts_as_stopped()
    {
        await using var engine = await StartAsync(instances: 1);

        Assert.True((await engine.StopInstancesAsync("daemon", cancellationToken: Token)).Accepted);

        Assert.Equal(InstanceStatus.Stopped, engine.State.Programs[0].Instances[0].Status);
        Assert.Empty(Marked()); // no waiting: the stop answers once the instance's cgroup is empty
        Assert.Equal([CgroupTree.SupervisorLeaf], Cgroups());
    }

    [Fact]
    public async Task Scaling_down_ends_the_daemons_of_the_removed_instances_and_removes_their_cgroups()
    {
        await using var engine = await StartAsync(instances: 3);
        var kept = engine.State.Programs[0].Instances[^1].Id;

        Assert.True((await engine.ScaleAsync("daemon", 1, Token)).Accepted);

        Assert.Single(Marked());
        Assert.Equal(new[] { CgroupTree.SupervisorLeaf, InstanceCgroup.NameOf("daemon", kept) }.Order(StringComparer.Ordinal), Cgroups());
    }

    [Fact]
    public async Task A_run_whose_main_process_exits_is_over_only_once_its_daemon_is_killed()
    {
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default, cgroups: _tree);
        var events = new RecordingEvents();
        var spec = new ProgramSpec("daemon", "sh", ["/bin/sh", "-c", $"(setsid sleep {_marker} &); exit 3"]) { WorkingDirectory = _folder };

        launcher.Launch(new LaunchRequest(1, spec, 1, 1), events);

        Assert.Equal("started 1", await events.NextAsync());
        Assert.Equal("exited 1: 3", await events.NextAsync());
        Assert.Empty(Marked());
        Assert.Equal([CgroupTree.SupervisorLeaf], Cgroups());
    }

    [Fact]
    public async Task Thousands_of_restarts_of_a_crash_loop_leave_no_cgroup_and_no_zombie_behind()
    {
        const int Restarts = 2_000;
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default, cgroups: _tree);
        await using var engine = new ProcessEngine(launcher);
        engine.Start();
        var spec = new ProgramSpec("crasher", "sh", ["/bin/sh", "-c", "exit 1"])
        {
            Instances = 4, MaxRetries = 0, RestartDelay = TimeSpan.Zero, MinUptime = TimeSpan.Zero, WorkingDirectory = _folder,
        };
        Assert.True((await engine.LoadAsync([spec], Token)).Accepted);

        await Eventually.Assert(() => engine.State.Programs[0].Instances.Sum(i => i.CurrentTry) >= Restarts, $"{Restarts} restarts", TimeSpan.FromSeconds(60));
        Assert.True((await engine.StopInstancesAsync("crasher", cancellationToken: Token)).Accepted);

        Assert.All(engine.State.Programs[0].Instances, i => Assert.Equal(InstanceStatus.Stopped, i.Status));
        Assert.Equal([CgroupTree.SupervisorLeaf], Cgroups()); // every run's cgroup removed once it was over
        Assert.DoesNotContain(ProcFs.ChildrenOf(Environment.ProcessId), p => !p.IsLive && p.Name == "sh"); // every run reaped
    }

    [Fact]
    public async Task A_tree_left_by_a_krust_pm_that_was_killed_is_killed_and_removed_when_the_next_one_opens_it()
    {
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default with { Guardian = false, KillWithParent = false }, cgroups: _tree);
        var events = new RecordingEvents();
        launcher.Launch(new LaunchRequest(1, new ProgramSpec("daemon", "sh", ["/bin/sh", "-c", Daemonizing]) { WorkingDirectory = _folder }, 1, 1), events);
        Assert.Equal("started 1", await events.NextAsync());
        await Eventually.Assert(() => Marked().Count == 1, "the daemon runs");

        // As if krust-pm had died: the tree is neither emptied nor removed; the next krust-pm opens it again.
        Assert.True(CgroupTree.TryOpen(null, Path.GetFileName(_tree.Root), moveSelf: false, out var next, out var problem), problem);
        using (next)
        {
            Assert.Equal(2, next.LeftoverProcesses); // the run's main process and its daemon
            Assert.Empty(Marked());
            Assert.Equal("exited 1: 137", await events.NextAsync()); // the run of the earlier tree was killed
            Assert.Equal([CgroupTree.SupervisorLeaf], Cgroups());
        }

        Assert.False(Directory.Exists(_tree.Root)); // removed by a clean exit
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_guardian_kills_the_whole_tree_when_krust_pm_dies_and_leaves_it_after_a_clean_exit(bool clean)
    {
        // A run the guardian was never told of (a launcher without one): only the tree's cgroup.kill reaches its daemon.
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default with { Guardian = false, KillWithParent = false }, cgroups: _tree);
        var events = new RecordingEvents();
        launcher.Launch(new LaunchRequest(1, new ProgramSpec("daemon", "sh", ["/bin/sh", "-c", Daemonizing]) { WorkingDirectory = _folder }, 1, 1), events);
        Assert.Equal("started 1", await events.NextAsync());
        await Eventually.Assert(() => Marked().Count == 1, "the daemon runs");
        var guardian = new Guardian(_tree);
        var guardianPid = guardian.ProcessId;
        if (clean)
        {
            guardian.ExitingCleanly();
        }

        guardian.Dispose(); // the pipe closes: what krust-pm's death looks like to the guardian

        await Eventually.Assert(() => !ProcFs.IsAlive(guardianPid), "the guardian has exited");
        if (clean)
        {
            Assert.Single(Marked());
        }
        else
        {
            Assert.Equal("exited 1: 137", await events.NextAsync());
            await Eventually.Assert(() => Marked().Count == 0, "the daemon is dead");
        }
    }

    [Fact]
    public void A_tree_whose_krust_pm_still_runs_is_refused_and_left_alone()
    {
        // A process in the tree's leaf, where krust-pm keeps itself: that krust-pm lives.
        using var owner = System.Diagnostics.Process.Start("/bin/sleep", "1000");
        try
        {
            Assert.Equal(0, CgroupFiles.Write(Path.Combine(_tree.Root, CgroupTree.SupervisorLeaf, "cgroup.procs"), owner.Id.ToString(CultureInfo.InvariantCulture)));

            Assert.False(CgroupTree.TryOpen(null, Path.GetFileName(_tree.Root), moveSelf: false, out _, out var problem));

            Assert.Equal($"{_tree.Root} belongs to a krust-pm that is running (pid {owner.Id}) with the same configuration", problem);
            Assert.True(ProcFs.IsAlive(owner.Id));
        }
        finally
        {
            owner.Kill();
            owner.WaitForExit();
        }
    }

    [Fact]
    public void A_contained_run_moves_itself_into_its_cgroup_before_anything_else_and_needs_no_parent_death_signal()
    {
        var spec = new ProgramSpec("p", "/bin/true", ["/bin/true", "x"]) { WorkingDirectory = _folder };

        Assert.True(LaunchPlan.TryCreate(spec, LinuxProcessLauncherOptions.Default, out var plan, out var error, "/cg/p.1/cgroup.procs"), error);

        Assert.Equal([.. CgroupEnter.Prefix("/cg/p.1/cgroup.procs"), "/bin/true", "x"], plan.Argv);
    }

    [Fact]
    public void Without_a_guardian_a_contained_run_keeps_its_parent_death_signal()
    {
        var spec = new ProgramSpec("p", "/bin/true", ["/bin/true"]) { WorkingDirectory = _folder };

        Assert.True(LaunchPlan.TryCreate(spec, LinuxProcessLauncherOptions.Default with { Guardian = false }, out var plan, out var error, "/cg/p.1/cgroup.procs"), error);

        Assert.Equal([.. CgroupEnter.Prefix("/cg/p.1/cgroup.procs"), LaunchPlan.SetprivPath, "--pdeathsig", "KILL", "--", "/bin/true"], plan.Argv);
    }

    [Theory]
    [InlineData("web", 3, "web.3")]
    [InlineData("api.v2", 12, "api.v2.12")]
    [InlineData(".hidden", 1, "\\x2ehidden.1")]
    [InlineData("a b/é", 7, "a\\x20b\\x2f\\xc3\\xa9.7")]
    public void Instance_cgroups_are_named_after_the_program_escaped_and_the_instance_id(string program, long instance, string name) =>
        Assert.Equal(name, InstanceCgroup.NameOf(program, instance));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<ProcessEngine> StartAsync(int instances)
    {
        var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default, cgroups: _tree);
        _launchers.Add(launcher);
        var engine = new ProcessEngine(launcher);
        engine.Start();
        var spec = new ProgramSpec("daemon", "sh", ["/bin/sh", "-c", Daemonizing]) { Instances = instances, WorkingDirectory = _folder };
        Assert.True((await engine.LoadAsync([spec], Token)).Accepted);
        await Eventually.Assert(() => Marked().Count == instances, $"{instances} daemon(s) run");
        Assert.All(Marked(), pid => Assert.Equal(pid, ProcFs.Ids(pid)?.Session)); // each leads a session of its own
        return engine;
    }

    /// <summary>The cgroups left in the tree, by name.</summary>
    private List<string> Cgroups() => [.. Directory.GetDirectories(_tree.Root).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    /// <summary>Live daemons of this test.</summary>
    private List<int> Marked() =>
        [.. ProcFs.All().Where(p => p.IsLive && p.Name == "sleep" && CommandLine(p.Pid).Contains(_marker, StringComparison.Ordinal)).Select(p => p.Pid)];

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
