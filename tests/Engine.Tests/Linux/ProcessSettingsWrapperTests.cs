using System.Collections.Immutable;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// The argv that applies a program's umask, nice value and resource limits before exec: each part only when set,
/// in front of setpriv, and safe for any argv; and, with the real util-linux tools, that a setting which is not
/// allowed stops the chain instead of running the program without it.
/// </summary>
public sealed class ProcessSettingsWrapperTests
{
    private const string Script = "umask 0027 && renice -n 7 -p $$ >/dev/null && exec \"$@\"";

    private static readonly ImmutableSortedDictionary<string, ResourceLimit> NoLimits =
        ImmutableSortedDictionary<string, ResourceLimit>.Empty.WithComparers(StringComparer.Ordinal);

    [Fact]
    public void A_program_without_settings_keeps_its_argv_exactly()
    {
        Assert.Equal(["/bin/sleep", "30"], Plan(ProcessSettings.Default, killWithParent: false).Argv);
        Assert.Equal(DeathSignal.Path is { } first ? new[] { first, "/bin/sleep", "30" } : [LaunchPlan.SetprivPath, "--pdeathsig", "KILL", "--", "/bin/sleep", "30"], Plan(ProcessSettings.Default, killWithParent: true).Argv);
    }

    [Fact]
    public void Limits_alone_are_one_prlimit_in_front_of_setpriv()
    {
        var settings = ProcessSettings.Default with
        {
            Limits = NoLimits.Add("nofile", new ResourceLimit(1024, 4096)).Add("core", new ResourceLimit(0, ResourceLimit.Unlimited)),
        };

        Assert.Equal(
            ["/usr/bin/prlimit", "--core=0:unlimited", "--nofile=1024:4096", "--", LaunchPlan.SetprivPath, "--pdeathsig", "KILL", "--", "/bin/sleep", "30"],
            Plan(settings, killWithParent: true).Argv);
    }

    [Fact]
    public void A_umask_alone_is_a_shell_that_sets_it_and_execs_the_rest()
    {
        var settings = ProcessSettings.Default with { Umask = Convert.ToInt32("022", 8) };

        Assert.Equal(["/bin/sh", "-c", "umask 0022 && exec \"$@\"", "krust-pm-process", "/bin/sleep", "30"], Plan(settings, killWithParent: false).Argv);
    }

    [Fact]
    public void A_nice_value_alone_is_an_absolute_renice_of_the_shell_itself()
    {
        var settings = ProcessSettings.Default with { Nice = -5 };

        Assert.Equal(["/bin/sh", "-c", "renice -n -5 -p $$ >/dev/null && exec \"$@\"", "krust-pm-process", "/bin/sleep", "30"], Plan(settings, killWithParent: false).Argv);
    }

    [Fact]
    public void All_three_chain_prlimit_then_the_shell_then_setpriv()
    {
        var settings = ProcessSettings.Default with { Umask = Convert.ToInt32("027", 8), Nice = 7, Limits = NoLimits.Add("nofile", new ResourceLimit(100, 200)) };

        Assert.Equal(
            ["/usr/bin/prlimit", "--nofile=100:200", "--", "/bin/sh", "-c", Script, "krust-pm-process", LaunchPlan.SetprivPath, "--pdeathsig", "KILL", "--", "/bin/sleep", "30"],
            Plan(settings, killWithParent: true).Argv);
    }

    [Fact]
    public async Task Any_argv_reaches_the_program_unchanged_through_the_real_chain()
    {
        string[] arguments = ["a b", "$HOME", "'quoted'", "\"double\"", "`id`", "; exit 9", "-n", "--", "*", "", "new\nline"];
        var settings = ProcessSettings.Default with { Umask = Convert.ToInt32("027", 8), Nice = 3, Limits = NoLimits.Add("nofile", new ResourceLimit(100, 200)) };
        var argv = new List<string>(ProcessSettingsWrapper.Prefix(settings)) { "/usr/bin/printf", "%s\\0" };
        argv.AddRange(arguments);

        var (exitCode, output, _) = await CommandRun.RunAsync(argv);

        Assert.Equal(0, exitCode);
        Assert.Equal(arguments, output.Split('\0')[..^1]);
    }

    [Theory]
    [InlineData("nice")]
    [InlineData("limit")]
    public async Task A_setting_that_is_not_allowed_stops_the_chain_before_the_program_runs(string which)
    {
        Assert.SkipUnless(Environment.UserName == "root", "dropping to another user to be refused needs root");
        var settings = which == "nice"
            ? ProcessSettings.Default with { Nice = -5 }
            : ProcessSettings.Default with { Limits = NoLimits.Add("nofile", new ResourceLimit(ResourceLimit.Unlimited, ResourceLimit.Unlimited)) };
        List<string> argv = ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", .. ProcessSettingsWrapper.Prefix(settings), "/bin/echo", "ran"];

        var (exitCode, output, _) = await CommandRun.RunAsync(argv);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, output);
    }

    private static LaunchPlan Plan(ProcessSettings settings, bool killWithParent)
    {
        var spec = new ProgramSpec("test", "/bin/sleep 30", ["/bin/sleep", "30"]) { Process = settings, WorkingDirectory = "/" };
        var options = LinuxProcessLauncherOptions.Default with { KillWithParent = killWithParent };
        Assert.True(LaunchPlan.TryCreate(spec, options, out var plan, out var error), error);
        return plan;
    }
}
