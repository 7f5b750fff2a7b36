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

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
