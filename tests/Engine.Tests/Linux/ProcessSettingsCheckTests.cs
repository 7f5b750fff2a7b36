using System.Collections.Immutable;
using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// A setting the kernel would refuse is a start failure that says why, decided by the kernel's rules from what
/// krust-pm itself has (its nice value, capabilities and limits), before anything runs.
/// </summary>
public sealed class ProcessSettingsCheckTests
{
    private const ulong Root = (1UL << 23) | (1UL << 24); // CAP_SYS_NICE, CAP_SYS_RESOURCE

    private static readonly ImmutableSortedDictionary<string, ResourceLimit> NoLimits =
        ImmutableSortedDictionary<string, ResourceLimit>.Empty.WithComparers(StringComparer.Ordinal);

    private static ProcessSettingsCheck.Current Unprivileged(ulong capabilities = 0, ulong niceLimit = 0) =>
        new(0, capabilities, resource => resource == 13 ? new ResourceLimit(niceLimit, niceLimit) : new ResourceLimit(1024, 4096), MaxOpenFiles: 1048576);

    [Fact]
    public void Lowering_the_nice_value_without_CAP_SYS_NICE_is_refused_with_the_reason()
    {
        Assert.Equal(
            "cannot set nice to -5: krust-pm runs at nice 0, and lowering it needs root (CAP_SYS_NICE) or rlimits.nice of at least 25",
            ProcessSettingsCheck.Problem(ProcessSettings.Default with { Nice = -5 }, Unprivileged()));
    }

    [Fact]
    public void Raising_the_nice_value_or_lowering_it_with_the_capability_or_a_high_enough_RLIMIT_NICE_is_allowed()
    {
        Assert.Null(ProcessSettingsCheck.Problem(ProcessSettings.Default with { Nice = 10 }, Unprivileged()));
        Assert.Null(ProcessSettingsCheck.Problem(ProcessSettings.Default with { Nice = -5 }, Unprivileged(capabilities: Root)));
        Assert.Null(ProcessSettingsCheck.Problem(ProcessSettings.Default with { Nice = -5 }, Unprivileged(niceLimit: 25)));
        Assert.Null(ProcessSettingsCheck.Problem(
            ProcessSettings.Default with { Nice = -5, Limits = NoLimits.Add("nice", new ResourceLimit(25, 25)) }, Unprivileged(capabilities: Root)));
    }

    [Fact]
    public void Raising_a_hard_limit_without_CAP_SYS_RESOURCE_is_refused_with_the_reason()
    {
        var settings = ProcessSettings.Default with { Limits = NoLimits.Add("nproc", new ResourceLimit(100, ResourceLimit.Unlimited)) };

        Assert.Equal(
            "cannot set rlimits.nproc: its hard limit unlimited is above krust-pm's own (4096), and raising a hard limit needs root (CAP_SYS_RESOURCE)",
            ProcessSettingsCheck.Problem(settings, Unprivileged()));
        Assert.Null(ProcessSettingsCheck.Problem(settings, Unprivileged(capabilities: Root)));
    }

    [Fact]
    public void Lowering_limits_needs_no_privilege()
    {
        var settings = ProcessSettings.Default with { Limits = NoLimits.Add("nofile", new ResourceLimit(100, 200)).Add("core", new ResourceLimit(0, 0)) };

        Assert.Null(ProcessSettingsCheck.Problem(settings, Unprivileged()));
    }

    [Fact]
    public void Open_files_above_the_kernels_nr_open_are_refused_even_for_root()
    {
        var settings = ProcessSettings.Default with { Limits = NoLimits.Add("nofile", new ResourceLimit(ResourceLimit.Unlimited, ResourceLimit.Unlimited)) };

        Assert.Equal(
            "cannot set rlimits.nofile to unlimited: the kernel allows at most 1048576 open files per process (fs.nr_open)",
            ProcessSettingsCheck.Problem(settings, Unprivileged(capabilities: Root)));
    }

    [Fact]
    public void An_unknown_limit_or_a_soft_limit_above_the_hard_one_is_refused()
    {
        Assert.StartsWith(
            "cannot set rlimits.files: there is no such limit; the limits are as, core, cpu,",
            ProcessSettingsCheck.Problem(ProcessSettings.Default with { Limits = NoLimits.Add("files", new ResourceLimit(1, 1)) }, Unprivileged(capabilities: Root)));
        Assert.Equal(
            "cannot set rlimits.core: the soft limit is above the hard limit",
            ProcessSettingsCheck.Problem(ProcessSettings.Default with { Limits = NoLimits.Add("core", new ResourceLimit(2, 1)) }, Unprivileged(capabilities: Root)));
    }

    [Fact]
    public void The_launcher_reports_a_refused_setting_as_a_start_failure_and_runs_nothing()
    {
        // Real for this process: nofile above the kernel's fs.nr_open is refused whoever krust-pm runs as.
        var settings = ProcessSettings.Default with { Limits = NoLimits.Add("nofile", new ResourceLimit(ResourceLimit.Unlimited, ResourceLimit.Unlimited)) };
        var spec = new ProgramSpec("test", "/bin/true", ["/bin/true"]) { Process = settings, WorkingDirectory = "/" };

        Assert.False(LaunchPlan.TryCreate(spec, LinuxProcessLauncherOptions.Default, out _, out var error));
        Assert.StartsWith("cannot set rlimits.nofile to unlimited: the kernel allows at most ", error);
    }
}
