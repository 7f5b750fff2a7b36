using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary><c>watch_config</c>: reload the file when it changes (off unless asked for).</summary>
public sealed class ConfigLoaderReloadTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Watch_config_is_off_by_default() =>
        Assert.False(Valid("[web]\ncommand = \"x\"\n").WatchConfig);

    [Fact]
    public void Watch_config_is_read()
    {
        Assert.True(Valid("watch_config = true\n[web]\ncommand = \"x\"\n").WatchConfig);
        Assert.False(Valid("watch_config = false\n").WatchConfig);
    }

    [Theory]
    [InlineData("watch_config = \"yes\"", "1: key 'watch_config': expected true or false, got string \"yes\"")]
    [InlineData("watch_config = 1", "1: key 'watch_config': expected true or false, got integer 1")]
    [InlineData("watch_configs = true", "1: unknown top-level key 'watch_configs' (did you mean 'watch_config'?)")]
    public void A_bad_watch_config_is_reported_with_its_line(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse("# reload on save\n" + line + "\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:{message.Replace("1:", "2:", StringComparison.Ordinal)}", problem.ToString());
    }

    [Fact]
    public void Watch_config_inside_a_program_table_is_an_unknown_program_key()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\nwatch_config = true\n", ConfigPath).Problems);

        Assert.Equal(3, problem.Line);
        Assert.Equal("watch_config", problem.Key);
    }

    [Fact]
    public void Every_top_level_key_is_compared_by_a_reload_and_only_watch_config_and_include_apply_live()
    {
        var running = Valid("[web]\ncommand = \"x\"\n");

        // Between compares every key of TopLevelKeys: one without a comparison throws.
        Assert.Empty(TopLevelChanges.Between(running, running));
        Assert.Equal(["watch_config", "include"], TopLevelChanges.Live);
    }

    [Fact]
    public void A_changed_top_level_key_is_reported_and_only_a_live_one_is_applied()
    {
        var running = Valid("[web]\ncommand = \"x\"\n");
        var file = Valid("max_streams = 7\nread_only = true\nwatch_config = true\n[web]\ncommand = \"y\"\n");

        Assert.Equal(
            [new TopLevelChange("read_only", false), new TopLevelChange("watch_config", true), new TopLevelChange("max_streams", false)],
            TopLevelChanges.Between(running, file));
        var applied = TopLevelChanges.Apply(running, file);
        Assert.Equal((true, false, running.MaxStreams, "y"), (applied.WatchConfig, applied.ReadOnly, applied.MaxStreams, applied.Programs[0].Command));
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
