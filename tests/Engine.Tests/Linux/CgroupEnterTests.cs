using System.Runtime.InteropServices;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// cgroup-enter, the tiny static program a contained run execs first: it moves itself into the cgroup it is given,
/// then execs the program with the rest of its argv and the same environment; a failed move exits 125, a failed exec
/// 127, each saying so on stderr. Run for real, in a cgroup of a test tree.
/// </summary>
public sealed class CgroupEnterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-enter-").FullName;
    private readonly CgroupTree _tree;

    public CgroupEnterTests()
    {
        if (!CgroupTree.TryOpen(null, CgroupTree.NameFor(_folder), moveSelf: false, out var tree, out var problem))
        {
            Assert.Skip($"no writable cgroup v2 here: {problem}");
        }

        _tree = tree;
    }

    public void Dispose()
    {
        _tree?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task It_moves_itself_into_the_cgroup_then_execs_the_program_with_its_arguments_and_environment()
    {
        Assert.Equal(RuntimeInformation.ProcessArchitecture == Architecture.X64, CgroupEnter.IsNative); // never the shell by accident
        var cgroup = Path.Combine(_tree.Root, "p.1");
        Directory.CreateDirectory(cgroup);

        var (exitCode, stdout, stderr) = await CommandRun.RunAsync(
            [.. CgroupEnter.Prefix(Path.Combine(cgroup, "cgroup.procs")), "/bin/sh", "-c", "grep '^0::' /proc/self/cgroup; echo \"$0|$1|$GREETING\"", "zero", "one two"],
            ("GREETING", "hello"));

        Assert.Equal(0, exitCode);
        var lines = stdout.Split('\n');
        Assert.StartsWith("0::/", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"/{Path.GetFileName(_tree.Root)}/p.1", lines[0], StringComparison.Ordinal);
        Assert.Equal("zero|one two|hello", lines[1]);
        Assert.Equal(string.Empty, stderr);
        Directory.Delete(cgroup);
    }

    [Fact]
    public async Task A_cgroup_it_cannot_enter_exits_125_and_a_program_it_cannot_execute_127_each_saying_so()
    {
        var (moveCode, _, moveError) = await CommandRun.RunAsync([.. CgroupEnter.Prefix(Path.Combine(_folder, "no-such-cgroup", "cgroup.procs")), "/bin/true"]);
        var cgroup = Path.Combine(_tree.Root, "p.2");
        Directory.CreateDirectory(cgroup);
        var (execCode, _, execError) = await CommandRun.RunAsync([.. CgroupEnter.Prefix(Path.Combine(cgroup, "cgroup.procs")), Path.Combine(_folder, "missing")]);

        Assert.Equal(125, moveCode);
        Assert.Contains("cgroup", moveError, StringComparison.Ordinal);
        Assert.Equal(127, execCode);
        Assert.NotEqual(string.Empty, execError.Trim());
        await Eventually.Assert(() => !File.ReadAllText(Path.Combine(cgroup, "cgroup.events")).Contains("populated 1", StringComparison.Ordinal), "the cgroup is empty");
        Directory.Delete(cgroup);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
