using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>Durations and sizes as strings in every <c>_ms</c> and <c>_bytes</c> key; numbers keep meaning ms and bytes.</summary>
public sealed class ConfigLoaderUnitsTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Theory]
    [InlineData("250", 250)]
    [InlineData("\"500ms\"", 500)]
    [InlineData("\"10s\"", 10_000)]
    [InlineData("\"2m\"", 120_000)]
    [InlineData("\"1h\"", 3_600_000)]
    [InlineData("\"1m30s\"", 90_000)]
    [InlineData("\"1.5s\"", 1500)]
    [InlineData("\"0s\"", 0)]
    public void Durations_are_read_as_numbers_of_milliseconds_or_strings_with_units(string value, int milliseconds)
    {
        var spec = Valid($"[web]\ncommand = \"x\"\nrestart_delay_ms = {value}\nmin_uptime_ms = {value}\nstop_timeout_ms = {value}\nrestart_delay_max_ms = {value}\n").Programs[0];

        var expected = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal((expected, expected, expected, expected), (spec.RestartDelay, spec.MinUptime, spec.StopTimeout, spec.RestartDelayMax));
    }

    [Fact]
    public void Probe_timings_take_durations()
    {
        var probe = Valid("""
            [web]
            command = "x"
            readiness = { tcp = "127.0.0.1:80", period_ms = "2s", timeout_ms = "500ms", initial_delay_ms = "1m" }
            """).Programs[0].Readiness!;

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1)), (probe.Period, probe.Timeout, probe.InitialDelay));
    }

    [Theory]
    [InlineData("4096", 4096L)]
    [InlineData("\"512B\"", 512L)]
    [InlineData("\"300M\"", 300L * 1024 * 1024)]
    [InlineData("\"300MiB\"", 300L * 1024 * 1024)]
    [InlineData("\"50MB\"", 50_000_000L)]
    [InlineData("\"1GiB\"", 1L << 30)]
    [InlineData("\"1.5K\"", 1536L)]
    [InlineData("\"2 gb\"", 2_000_000_000L)]
    public void Sizes_are_read_as_numbers_of_bytes_or_strings_with_units(string value, long bytes) =>
        Assert.Equal(bytes, Valid($"[web]\ncommand = \"x\"\nlog_max_bytes = {value}\n").Programs[0].Log.MaxBytes);

    [Fact]
    public void Journal_max_bytes_takes_a_size() =>
        Assert.Equal(64L << 20, Valid("journal_max_bytes = \"64M\"\n").Journal.Options.MaxSegmentBytes);

    [Theory]
    [InlineData("restart_delay_ms = \"10x\"", "key 'restart_delay_ms': invalid duration \"10x\": unknown unit \"x\" (use ms, s, m, h or d)")]
    [InlineData("stop_timeout_ms = \"10\"", "key 'stop_timeout_ms': invalid duration \"10\": a unit is missing")]
    [InlineData("min_uptime_ms = \"s\"", "key 'min_uptime_ms': invalid duration \"s\": expected a number")]
    [InlineData("min_uptime_ms = \"0.5ms\"", "key 'min_uptime_ms': duration \"0.5ms\" is not a whole number of milliseconds")]
    [InlineData("restart_delay_ms = \"30d\"", "key 'restart_delay_ms': duration \"30d\" is too long")]
    [InlineData("restart_delay_ms = 1.5", "key 'restart_delay_ms': expected a number of milliseconds or a string such as \"500ms\"")]
    [InlineData("log_max_bytes = \"50XB\"", "key 'log_max_bytes': invalid size \"50XB\": units are B, K, M, G, T")]
    [InlineData("log_max_bytes = \"MB\"", "key 'log_max_bytes': invalid size \"MB\"")]
    [InlineData("log_max_bytes = -1", "key 'log_max_bytes': expected a non-negative size, got -1")]
    [InlineData("readiness = { tcp = \"127.0.0.1:80\", period_ms = \"0s\" }", "key 'readiness.period_ms': expected a positive duration, got 0 ms")]
    public void Bad_units_are_located_errors(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath).Problems);

        Assert.StartsWith($"{ConfigPath}:3: program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_journal_size_is_a_located_error()
    {
        var problem = Assert.Single(ConfigLoader.Parse("journal_max_bytes = \"64Q\"\n", ConfigPath).Problems);

        Assert.StartsWith($"{ConfigPath}:1: key 'journal_max_bytes': invalid size \"64Q\"", problem.ToString(), StringComparison.Ordinal);
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
