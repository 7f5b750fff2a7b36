using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>The top-level keys for containers (issue 22): <c>exit_when</c> and <c>subreaper</c>; and <c>cgroup</c> (issue 20).</summary>
public sealed class ConfigLoaderContainerTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Theory]
    [InlineData("", ExitWhen.Never)]
    [InlineData("exit_when = \"never\"\n", ExitWhen.Never)]
    [InlineData("exit_when = \"any-failed\"\n", ExitWhen.AnyFailed)]
    [InlineData("exit_when = \"all-done\"\n", ExitWhen.AllDone)]
    public void Exit_when_is_read_and_never_by_default(string line, ExitWhen expected)
    {
        var result = ConfigLoader.Parse($"{line}[web]\ncommand = \"x\"\n", ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(expected, result.Config.ExitWhen);
    }

    [Theory]
    [InlineData("exit_when = \"any_failed\"", "got string \"any_failed\"")]
    [InlineData("exit_when = true", "got boolean true")]
    public void A_bad_exit_when_is_a_located_error(string line, string got)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"{line}\n[web]\ncommand = \"x\"\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:1: key 'exit_when': expected \"never\", \"any-failed\" or \"all-done\", {got}", problem.ToString());
    }

    [Fact]
    public void A_changed_exit_when_is_reported_by_a_reload_and_kept_until_a_restart()
    {
        var running = ConfigLoader.Parse("[web]\ncommand = \"x\"\n", ConfigPath).Config!;
        var file = ConfigLoader.Parse("exit_when = \"all-done\"\n[web]\ncommand = \"x\"\n", ConfigPath).Config!;

        Assert.Equal([new TopLevelChange("exit_when", false)], TopLevelChanges.Between(running, file));
        Assert.Equal(ExitWhen.Never, TopLevelChanges.Apply(running, file).ExitWhen);
    }

    [Fact]
    public void Subreaper_is_read_and_off_by_default()
    {
        Assert.False(ConfigLoader.Parse("[web]\ncommand = \"x\"\n", ConfigPath).Config!.Subreaper);
        Assert.True(ConfigLoader.Parse("subreaper = true\n[web]\ncommand = \"x\"\n", ConfigPath).Config!.Subreaper);

        var problem = Assert.Single(ConfigLoader.Parse("subreaper = \"yes\"\n[web]\ncommand = \"x\"\n", ConfigPath).Problems);
        Assert.Equal($"{ConfigPath}:1: key 'subreaper': expected true or false, got string \"yes\"", problem.ToString());
    }

    [Theory]
    [InlineData("", "auto")]
    [InlineData("cgroup = \"off\"\n", "off")]
    [InlineData("cgroup = \"auto\"\n", "auto")]
    [InlineData("cgroup = \"/sys/fs/cgroup/krust/\"\n", "/sys/fs/cgroup/krust")]
    public void Cgroup_is_read_and_auto_by_default(string line, string expected)
    {
        var result = ConfigLoader.Parse($"{line}[web]\ncommand = \"x\"\n", ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(expected, result.Config.Cgroup);
    }

    [Theory]
    [InlineData("cgroup = \"on\"", "got string \"on\"")]
    [InlineData("cgroup = \"krust\"", "got string \"krust\"")]
    [InlineData("cgroup = true", "got boolean true")]
    public void A_bad_cgroup_is_a_located_error(string line, string got)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"{line}\n[web]\ncommand = \"x\"\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:1: key 'cgroup': expected \"auto\", \"off\" or the absolute path of a cgroup v2 directory, {got}", problem.ToString());
    }
}
