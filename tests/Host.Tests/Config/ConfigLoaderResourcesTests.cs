using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary><c>sample_interval_ms</c> (top level) and <c>max_memory</c> (per program): read, and refused where and why.</summary>
public class ConfigLoaderResourcesTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";
    private const string Program = "\n[web]\ncommand = \"./web\"\n";

    [Fact]
    public void Without_the_keys_sampling_is_every_2_s_and_no_memory_limit()
    {
        var config = Valid(Program);

        Assert.Equal(TimeSpan.FromSeconds(2), config.SampleInterval);
        Assert.Null(config.Programs[0].MaxMemory);
    }

    [Theory]
    [InlineData("sample_interval_ms = 0", 0)]
    [InlineData("sample_interval_ms = 500", 500)]
    [InlineData("sample_interval_ms = \"5s\"", 5000)]
    [InlineData("sample_interval_ms = \"100ms\"", 100)]
    public void The_interval_is_0_or_a_duration(string line, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Valid(line + Program).SampleInterval);
    }

    [Theory]
    [InlineData("sample_interval_ms = 50", "expected 0 (off) or at least 100 ms, got 50 ms")]
    [InlineData("sample_interval_ms = -1", "expected 0 (off) or a number of milliseconds")]
    [InlineData("sample_interval_ms = \"often\"", "invalid duration \"often\"")]
    [InlineData("sample_interval_ms = true", "got boolean true")]
    public void A_bad_interval_is_a_located_error(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse(line + Program, ConfigPath).Problems);

        Assert.Equal((1, "sample_interval_ms"), (problem.Line, problem.Key));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_memory = \"300M\"", 300L << 20)]
    [InlineData("max_memory = \"1G\"", 1L << 30)]
    [InlineData("max_memory = \"512K\"", 512L << 10)]
    [InlineData("max_memory = \"50MB\"", 50_000_000L)]
    [InlineData("max_memory = 1048576", 1L << 20)]
    public void Max_memory_takes_sizes(string line, long bytes)
    {
        Assert.Equal(bytes, Valid(Program + line + "\n").Programs[0].MaxMemory);
    }

    [Theory]
    [InlineData("max_memory = \"lots\"", "key 'max_memory': invalid size \"lots\"")]
    [InlineData("max_memory = \"0\"", "key 'max_memory': expected a size above 0 such as \"300M\", got 0")]
    [InlineData("max_memory = 0", "key 'max_memory': expected a size above 0 such as \"300M\", got 0")]
    [InlineData("max_memory = \"-1M\"", "key 'max_memory': invalid size \"-1M\"")]
    [InlineData("max_memory = \"300 megs\"", "key 'max_memory': invalid size \"300 megs\"")]
    public void A_bad_max_memory_is_a_located_error_and_nothing_starts(string line, string message)
    {
        var result = ConfigLoader.Parse(Program + line + "\n", ConfigPath);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith($"{ConfigPath}:4: program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cron_keys_are_read()
    {
        var config = Valid(Program + "cron_restart = \"0 3 * * *\"\ntimezone = \"Europe/Paris\"\n[job]\ncommand = \"./job\"\nschedule = \"*/30 * * * * *\"\n");

        Assert.Equal(("0 3 * * *", "Europe/Paris"), (config.Programs[0].CronRestart, config.Programs[0].TimeZone));
        Assert.Equal("*/30 * * * * *", config.Programs[1].Schedule);
    }

    [Theory]
    [InlineData("cron_restart = \"* * * * * * *\"", "key 'cron_restart': expected 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, got 7")]
    [InlineData("cron_restart = \"0 25 * * *\"", "key 'cron_restart': \"0 25 * * *\" is not a cron expression")]
    [InlineData("schedule = 5", "key 'schedule': expected a string such as \"*/5 * * * *\", got integer 5")]
    [InlineData("schedule = \"* * * * *\"\ntimezone = \"Mars/Olympus\"", "key 'timezone': unknown time zone \"Mars/Olympus\"")]
    [InlineData("schedule = \"* * * * *\"\nrestart = \"always\"", "key 'schedule': a scheduled job runs once per tick")]
    public void A_bad_cron_key_is_a_located_error_and_nothing_starts(string lines, string message)
    {
        var result = ConfigLoader.Parse(Program + lines + "\n", ConfigPath);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Contains($"program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigPath}:", problem.ToString(), StringComparison.Ordinal);
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
