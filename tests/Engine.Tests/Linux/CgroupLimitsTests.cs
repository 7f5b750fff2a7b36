using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// The limits of instances (<c>memory_max</c>, <c>cpu_max</c>, <c>pids_max</c>) and the controllers they need.
/// Enabling a controller is tested on the real cgroup v2 with the one controller it offers on every machine of this
/// project (<c>hugetlb</c>: its memory, cpu and pids controllers are bound to cgroup v1 there), in a parent cgroup
/// the test makes empty, as krust-pm's parent is once krust-pm has moved into its leaf. The limit files are tested in
/// a plain folder standing for an instance's cgroup: the kernel enforcing them is the kernel's part.
/// </summary>
public sealed class CgroupLimitsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-limits-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Enabling_a_controller_enables_it_above_and_in_the_tree_gives_the_guardian_a_leaf_and_a_clean_exit_undoes_it()
    {
        using var parent = EmptyParent.Make(offering: "hugetlb");
        Assert.True(CgroupTree.TryOpen(parent.Path, CgroupTree.NameFor(_folder), moveSelf: false, out var tree, out var problem), problem);
        string root;
        using (tree)
        {
            root = tree.Root;
            Assert.True(tree.TryEnableControllers(["hugetlb"], out problem), problem);

            Assert.Contains("hugetlb", Words(Path.Combine(parent.Path, "cgroup.subtree_control")));
            Assert.Contains("hugetlb", Words(Path.Combine(root, "cgroup.subtree_control")));
            Assert.Equal(root + ".guardian", tree.GuardianLeaf);
            Assert.True(Directory.Exists(tree.GuardianLeaf));
            Assert.True(File.Exists(Path.Combine(root, CgroupTree.SupervisorLeaf, "hugetlb.2MB.max")) || !File.Exists("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"), "the leaf has the controller's files");
        }

        Assert.DoesNotContain("hugetlb", Words(Path.Combine(parent.Path, "cgroup.subtree_control")));
        Assert.False(Directory.Exists(root));
        Assert.False(Directory.Exists(root + ".guardian"));
    }

    [Fact]
    public void A_controller_the_parent_does_not_offer_is_refused_naming_it_what_is_offered_and_what_to_do()
    {
        using var parent = EmptyParent.Make();
        var offered = Words(Path.Combine(parent.Path, "cgroup.controllers"));
        Assert.SkipWhen(offered.Contains("memory"), "this machine's cgroup v2 offers the memory controller");
        Assert.True(CgroupTree.TryOpen(parent.Path, CgroupTree.NameFor(_folder), moveSelf: false, out var tree, out var problem), problem);
        using (tree)
        {
            Assert.False(tree.TryEnableControllers(["memory", "pids"], out problem));

            Assert.StartsWith($"the memory and pids controllers of cgroup v2 are not available in {parent.Path} (it offers: {(offered.Count == 0 ? "none" : string.Join(", ", offered))})", problem, StringComparison.Ordinal);
            Assert.Contains("Delegate=yes", problem, StringComparison.Ordinal);
            Assert.Empty(Words(Path.Combine(tree.Root, "cgroup.subtree_control")));
            Assert.Null(tree.GuardianLeaf);
        }
    }

    [Fact]
    public void Limits_are_written_to_the_instance_s_cgroup_files_in_the_kernel_s_units()
    {
        var settings = ProcessSettings.Default with { MemoryMax = 256L << 20, CpuMax = 50, PidsMax = 64 };
        foreach (var file in new[] { "memory.max", "cpu.max", "pids.max" })
        {
            File.WriteAllText(Path.Combine(_folder, file), string.Empty);
        }

        Assert.Null(Cgroup().ApplyLimits(settings));

        Assert.Equal("268435456", File.ReadAllText(Path.Combine(_folder, "memory.max")));
        Assert.Equal("50000 100000", File.ReadAllText(Path.Combine(_folder, "cpu.max")));
        Assert.Equal("64", File.ReadAllText(Path.Combine(_folder, "pids.max")));
        Assert.Equal(["memory", "cpu", "pids"], settings.Controllers);
    }

    [Fact]
    public void A_limit_whose_controller_is_not_enabled_is_a_start_failure_naming_the_key_and_the_controller()
    {
        var problem = Cgroup().ApplyLimits(ProcessSettings.Default with { PidsMax = 10 });

        Assert.Equal(
            $"krust-pm cannot set pids_max (pids.max = 10) in {_folder}: the pids controller is not enabled for krust-pm's cgroups (krust-pm enables the controllers its programs' limits need when it starts: restart it to apply a pids_max added by a reload)",
            problem);
    }

    [Theory]
    [InlineData("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n", "killed by the kernel: out of memory, memory_max 256 MiB")]
    [InlineData("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n", null)]
    [InlineData(null, null)]
    public void An_OOM_kill_counted_in_memory_events_is_the_cause_of_the_run_s_end(string? events, string? cause)
    {
        if (events is not null)
        {
            File.WriteAllText(Path.Combine(_folder, "memory.events"), events);
        }

        Assert.Equal(cause, Cgroup().OutOfMemoryCause(ProcessSettings.Default with { MemoryMax = 256L << 20 }));
        Assert.Null(Cgroup().OutOfMemoryCause(ProcessSettings.Default)); // no memory_max: no cause of the kind
    }

    private InstanceCgroup Cgroup() => InstanceCgroup.At(_folder);

    private static List<string> Words(string path) =>
        [.. File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// An empty cgroup under the one the test process is in: a parent that holds no process. With
    /// <c>offering</c>, that controller is made available in it (enabled in the test process's own cgroup, which only
    /// the root cgroup allows while it holds processes: the test is skipped elsewhere), and disabled again after.
    /// </summary>
    private sealed class EmptyParent : IDisposable
    {
        private readonly (string File, string Controller)? _enabledAbove;

        private EmptyParent(string path, (string File, string Controller)? enabledAbove)
        {
            Path = path;
            _enabledAbove = enabledAbove;
        }

        public string Path { get; }

        public static EmptyParent Make(string? offering = null)
        {
            var own = CgroupTree.Probe(null, out var problem);
            Assert.SkipWhen(own is null, $"no writable cgroup v2 here: {problem}");
            (string, string)? enabled = null;
            var control = System.IO.Path.Combine(own!, "cgroup.subtree_control");
            if (offering is not null && !Words(control).Contains(offering))
            {
                Assert.SkipUnless(Words(System.IO.Path.Combine(own!, "cgroup.controllers")).Contains(offering), $"cgroup v2 offers no {offering} controller here");
                try
                {
                    File.WriteAllText(control, "+" + offering);
                }
                catch (IOException error)
                {
                    Assert.Skip($"cannot enable {offering} in {own} (only the root cgroup may while it holds processes): {error.Message}");
                }

                enabled = (control, offering);
            }

            var path = System.IO.Path.Combine(own!, "krust-test-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(path);
            return new EmptyParent(path, enabled);
        }

        public void Dispose()
        {
            Directory.Delete(Path);
            if (_enabledAbove is var (file, controller))
            {
                try
                {
                    File.WriteAllText(file, "-" + controller);
                }
                catch (IOException)
                {
                    // Another test's cgroup uses it now: it stays enabled, as harmless as it was while the test ran.
                }
            }
        }
    }
}
