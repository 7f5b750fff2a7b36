using System.Diagnostics;
using System.Text.Json;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>cgroup = "auto"</c> with the published krust-pm: programs that start a classic daemon (a double fork and
/// <c>setsid</c>, out of their process group) cannot outlive krust-pm, not even when it is killed with SIGKILL (its
/// guardian kills its cgroup tree); the tree it leaves then is removed by the next start, and a clean exit removes
/// it. Skipped, with the reason, where no writable cgroup v2 exists. Daemons are told apart by a number in their
/// command line that no other test uses.
/// </summary>
public sealed partial class CgroupEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Instances = 3;
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-cgroup-e2e-").FullName;
    private readonly string _marker = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var pid in Daemons())
        {
            _ = Kill(pid, 9); // nothing of this test may outlive it, even when it fails
        }

        RemoveTree();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A failed test may leave krust-pm's tree (killed with SIGKILL): it is removed here, as the next start would.</summary>
    private void RemoveTree()
    {
        if (CgroupTree.Probe(null, out _) is not { } parent
            || Path.Combine(parent, CgroupTree.NameFor(Path.Combine(_folder, "krust-pm.toml"))) is not { } tree
            || !Directory.Exists(tree))
        {
            return;
        }

        File.WriteAllText(Path.Combine(tree, "cgroup.kill"), "1");
        var cgroups = Directory.GetDirectories(tree).Append(tree).ToList();
        _ = Eventually.Holds(() => cgroups.All(TryRemove), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

        static bool TryRemove(string cgroup)
        {
            try
            {
                if (Directory.Exists(cgroup))
                {
                    Directory.Delete(cgroup);
                }

                return true;
            }
            catch (IOException)
            {
                return false; // still holds a dying process
            }
        }
    }

    [Fact]
    public async Task SIGKILL_of_krust_pm_leaves_no_daemon_and_no_tree_a_tree_left_with_its_guardian_dead_goes_at_the_next_start()
    {
        Assert.SkipUnless(CgroupTree.Probe(null, out var problem) is not null, $"no writable cgroup v2 here: {problem}");
        var config = Path.Combine(_folder, "krust-pm.toml");
        string tree;
        await using (var first = KrustPmProcess.Start(krustPm.Executable, await WriteConfigAsync(config)))
        {
            tree = await RunningTreeAsync(first);
            Assert.Contains(first.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(tree, "krust-pm", "cgroup.procs"))); // krust-pm in its leaf

            Assert.Equal(137, await first.TerminateAsync(signal: 9));

            await Eventually.Assert(() => Daemons().Count == 0, "the guardian has killed krust-pm's cgroup tree");
            await Eventually.Assert(() => !Directory.Exists(tree), "the guardian has removed krust-pm's cgroup tree");
        }

        // The guardian killed first (as a kill -9 of everything would): the tree and its daemons stay for the next start.
        await using (var second = KrustPmProcess.Start(krustPm.Executable, await WriteConfigAsync(config)))
        {
            Assert.Equal(tree, await RunningTreeAsync(second));
            await Eventually.Assert(() => Daemons().Count > 0, "the program started its daemon");
            var guardian = GuardiansOf(tree); // its shell and the subshell of its pipeline
            Assert.NotEmpty(guardian);
            guardian.ForEach(pid => Process.GetProcessById(pid).Kill());
            await Eventually.Assert(() => GuardiansOf(tree).Count == 0, "the guardian is dead");
            Assert.Equal(137, await second.TerminateAsync(signal: 9));
            Assert.NotEmpty(Daemons());
            Assert.True(Directory.Exists(tree));
        }

        await using (var third = KrustPmProcess.Start(krustPm.Executable, await WriteConfigAsync(config)))
        {
            Assert.Equal(tree, await RunningTreeAsync(third));
            Assert.Contains($"krust-pm: removed the cgroup tree {tree} left by a krust-pm that was killed", third.Stderr, StringComparison.Ordinal);

            Assert.Equal(0, await third.TerminateAsync());

            Assert.Empty(Daemons());
            Assert.False(Directory.Exists(tree), "a clean exit removes krust-pm's cgroup tree");
        }
    }

    /// <summary>The guardians watching a tree: processes whose command line names it after <c>krust-pm-guardian</c>.</summary>
    private static List<int> GuardiansOf(string tree) =>
        [.. Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit)).Select(int.Parse)
            .Where(pid => CommandLine(pid).Split(' ') is var argv && argv.Contains("krust-pm-guardian", StringComparer.Ordinal) && argv.Contains(tree, StringComparer.Ordinal))];

    [Fact]
    public async Task Version_says_which_containment_auto_would_use_on_this_machine()
    {
        var (code, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "version");

        Assert.Equal(0, code);
        Assert.Contains(
            CgroupTree.Probe(null, out var problem) is { } parent
                ? $"containment: cgroup v2 available under {parent} (cgroup = \"auto\", the default; \"off\" uses process groups)"
                : $"containment: process groups (cgroup v2 not usable: {problem})",
            output,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("run")]
    public async Task A_cgroup_path_that_is_not_cgroup_v2_is_refused_by_check_and_by_the_start_which_starts_nothing(string command)
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, $$"""
            server-port = "127.0.0.1:{{KrustPmProcess.FreePort()}}"
            cgroup = "{{_folder}}"

            [daemon]
            command = "sh -c '(setsid sleep {{_marker}} &); exec sleep 1000'"
            """, Token);

        var (code, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, command, "--config", config);

        Assert.Equal(2, code);
        Assert.Contains($"krust-pm: {config}: cgroup \"{_folder}\": {_folder} is not a directory of a mounted cgroup v2 file system; ", output, StringComparison.Ordinal);
        Assert.Empty(Daemons());
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Writes the configuration (again: each start takes a free port for its <c>{port}</c>); the same path, so the same tree.</summary>
    private async Task<string> WriteConfigAsync(string config)
    {
        await File.WriteAllTextAsync(config, $$"""
            server-port = "127.0.0.1:{port}"
            cgroup = "auto"

            [daemon]
            command = "sh -c '(setsid sleep {{_marker}} &); exec sleep 1000'"
            instances = {{Instances}}
            """, Token);
        return config;
    }

    /// <summary>Waits until every instance's daemon runs; returns krust-pm's tree, which <c>/healthz</c> names.</summary>
    private async Task<string> RunningTreeAsync(KrustPmProcess krust)
    {
        await krust.WaitForAsync(programs => programs[0].GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running"));
        await Eventually.Assert(() => Daemons().Count == Instances, $"{Instances} daemons run");
        var health = JsonDocument.Parse(await krust.Client.GetStringAsync("/healthz", Token)).RootElement;
        var containment = health.GetProperty("containment").GetString()!;
        Assert.StartsWith("cgroup v2 (", containment, StringComparison.Ordinal);
        return containment["cgroup v2 (".Length..^1];
    }

    /// <summary>Live daemons of this test.</summary>
    private List<int> Daemons() =>
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

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
