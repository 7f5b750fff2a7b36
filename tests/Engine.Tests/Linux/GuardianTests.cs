using System.Runtime.InteropServices;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// The guardian on its own, with real process trees: what it kills when krust-pm's end of its pipe closes (which is
/// what krust-pm's death looks like to it), and what it leaves alone. Each tree is a child started the way runs are
/// (posix_spawn, its own session), without the parent-death signal, so only the guardian can end it.
/// </summary>
public sealed partial class GuardianTests : IDisposable
{
    private const string Tree = "sleep 300 & sleep 300 & wait";
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-guardian-").FullName;
    private readonly List<int> _started = [];
    private readonly Guardian _guardian = new();

    public void Dispose()
    {
        _guardian.Dispose();
        Cleanup.KillLeftovers(_started);
        foreach (var pid in _started)
        {
            _ = WaitPid(pid, 0, 0); // our children: reaped here, whatever the test did
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Listed_groups_are_killed_when_the_pipe_closes_and_removed_ones_are_left_alone()
    {
        var listed = await StartTreeAsync();
        var removed = await StartTreeAsync();
        _guardian.Add(listed);
        _guardian.Add(removed);
        _guardian.Remove(removed);

        _guardian.Dispose();

        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(listed, TimeSpan.FromSeconds(5)));
        Assert.Equal(3, ProcFs.InSession(removed).Count);
    }

    [Fact]
    public async Task A_group_added_twice_and_removed_once_is_still_killed()
    {
        // The fallback launcher removes a group only after the runtime has reaped its leader: by then a new run may
        // have the same number and have been added.
        var group = await StartTreeAsync();
        _guardian.Add(group);
        _guardian.Add(group);
        _guardian.Remove(group);

        _guardian.Dispose();

        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(group, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_spawn_in_flight_when_krust_pm_dies_is_killed_with_what_it_started()
    {
        // krust-pm announced the spawn, then died before it could list the new group: the child, which missed its
        // parent-death signal, is found by the pipes it holds.
        var pid = await StartTreeAsync(_guardian.Spawning);

        _guardian.Dispose();

        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_settled_spawn_is_no_longer_searched_for()
    {
        var failed = await StartTreeAsync(_guardian.Spawning);
        _guardian.SpawnFailed(); // as if that spawn had failed: its pipes are nobody's concern any more
        var guardian = _guardian.ProcessId;

        _guardian.Dispose();

        Assert.True(await ProcFs.WaitUntilAsync(() => !ProcFs.IsAlive(guardian), TimeSpan.FromSeconds(5)));
        Assert.Equal(3, ProcFs.InSession(failed).Count);
    }

    [Fact]
    public async Task A_guardian_that_was_killed_is_replaced_and_the_new_one_knows_every_group()
    {
        var before = await StartTreeAsync();
        _guardian.Add(before);
        var first = _guardian.ProcessId;
        Assert.Equal(0, NativeMethods.Kill(-first, Signals.Kill)); // the guardian leads its own session and group
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(first, TimeSpan.FromSeconds(5)));

        var after = await StartTreeAsync();
        _guardian.Add(after); // finds the pipe broken: starts a new guardian and tells it both groups
        Assert.NotEqual(first, _guardian.ProcessId);
        _guardian.Dispose();

        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(before, TimeSpan.FromSeconds(5)));
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(after, TimeSpan.FromSeconds(5)));
    }

    /// <summary>Starts <see cref="Tree"/> (3 processes in the child's own session) and waits until all are there.</summary>
    private async Task<int> StartTreeAsync(Action<int, int>? announce = null)
    {
        var options = LinuxProcessLauncherOptions.Default with { KillWithParent = false, Guardian = false };
        Assert.True(LaunchPlan.TryCreate(new ProgramSpec("tree", Tree, ["/bin/sh", "-c", Tree]) { WorkingDirectory = _folder }, options, out var plan, out var error), error);
        Assert.Equal(0, ChildSpawner.Spawn(plan, captureOutput: true, out var child, announce));
        _started.Add(child.Pid);
        NativeMethods.Close(child.Stdout);
        NativeMethods.Close(child.Stderr);
        Assert.True(await ProcFs.WaitUntilAsync(() => ProcFs.InSession(child.Pid).Count == 3, TimeSpan.FromSeconds(5)));
        return child.Pid;
    }

    [LibraryImport("libc", EntryPoint = "waitpid")]
    private static partial int WaitPid(int pid, nint status, int options);
}
