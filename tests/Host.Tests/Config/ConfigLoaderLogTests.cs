using KrustPm.Engine.Logs;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>The log keys: log_dir, log_format, attach at the top; log, log_max_bytes, log_backups per program.</summary>
public sealed class ConfigLoaderLogTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Log_keys_have_their_documented_defaults()
    {
        var config = Valid("[web]\ncommand = \"x\"\n");

        Assert.Equal("/cfg/logs", config.LogDirectory);
        Assert.Equal(LogFormat.Text, config.LogFormat);
        Assert.False(config.Attach);
        Assert.Equal(LogPolicy.Default, config.Programs[0].Log);
        Assert.Equal((true, 10L * 1024 * 1024, 5), (LogPolicy.Default.Enabled, LogPolicy.Default.MaxBytes, LogPolicy.Default.Backups));
    }

    [Fact]
    public void Log_keys_are_read_and_log_dir_is_relative_to_the_config_file()
    {
        var config = Valid("""
            log_dir = "var/log/krust"
            log_format = "json"
            attach = true

            [web]
            command = "x"
            log = false
            log_max_bytes = 1048576
            log_backups = 2
            """);

        Assert.Equal("/cfg/var/log/krust", config.LogDirectory);
        Assert.Equal(LogFormat.Json, config.LogFormat);
        Assert.True(config.Attach);
        Assert.Equal(new LogPolicy { Enabled = false, MaxBytes = 1048576, Backups = 2 }, config.Programs[0].Log);
    }

    [Fact]
    public void An_absolute_log_dir_stays_as_written() =>
        Assert.Equal("/var/log/krust", Valid("log_dir = \"/var/log/krust/\"\n").LogDirectory);

    [Theory]
    [InlineData("log_dir = 3", "1: key 'log_dir': expected a directory path string, got integer 3")]
    [InlineData("log_dir = \"\"", "1: key 'log_dir': expected a directory path string, got string \"\"")]
    [InlineData("log_format = \"xml\"", "1: key 'log_format': expected \"text\" or \"json\", got string \"xml\"")]
    [InlineData("attach = \"yes\"", "1: key 'attach': expected true or false, got string \"yes\"")]
    [InlineData("log_dirs = \"x\"", "1: unknown top-level key 'log_dirs' (did you mean 'log_dir'?)")]
    public void Bad_top_level_log_keys_are_reported(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse(line + "\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:{message}", problem.ToString());
    }

    [Theory]
    [InlineData("log = \"no\"", "key 'log': expected true, false or \"inherit\", got string \"no\"")]
    [InlineData("log_max_bytes = -1", "key 'log_max_bytes': expected a non-negative size, got -1")]
    [InlineData("log_backups = 1.5", "key 'log_backups': expected a non-negative integer, got float 1.5")]
    public void Bad_program_log_keys_are_reported(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:3: program 'web': {message}", problem.ToString());
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
