using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary><c>readiness</c>, <c>liveness</c> and <c>ready_log_line</c>: how they are written, and every problem, at its line.</summary>
public sealed class ConfigLoaderProbeTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Without_probes_a_program_has_none()
    {
        var spec = Single("[web]\ncommand = \"x\"\n");

        Assert.Null(spec.Readiness);
        Assert.Null(spec.Liveness);
        Assert.Null(spec.ReadyLogLine);
    }

    [Fact]
    public void A_probe_has_the_documented_defaults()
    {
        var probe = Single("[web]\ncommand = \"x\"\nreadiness = { tcp = \"127.0.0.1:5432\" }\n").Readiness!;

        Assert.Equal("127.0.0.1:5432", probe.Tcp);
        Assert.True(probe.Exec.IsEmpty);
        Assert.Null(probe.Http);
        Assert.Equal(TimeSpan.FromSeconds(1), probe.Period);
        Assert.Equal(TimeSpan.FromSeconds(1), probe.Timeout);
        Assert.Equal(3, probe.FailureThreshold);
        Assert.Equal(TimeSpan.Zero, probe.InitialDelay);
    }

    [Theory]
    [InlineData("readiness = { exec = \"pg_isready -h '127.0.0.1'\", period_ms = 500, timeout_ms = 200, failure_threshold = 5, initial_delay_ms = 1500 }\n")]
    [InlineData("readiness.exec = \"pg_isready -h '127.0.0.1'\"\nreadiness.period_ms = 500\nreadiness.timeout_ms = 200\nreadiness.failure_threshold = 5\nreadiness.initial_delay_ms = 1500\n")]
    [InlineData("\n[web.readiness]\nexec = \"pg_isready -h '127.0.0.1'\"\nperiod_ms = 500\ntimeout_ms = 200\nfailure_threshold = 5\ninitial_delay_ms = 1500\n")]
    public void Readiness_is_an_inline_table_dotted_keys_or_a_table(string keys)
    {
        var probe = Single($"[web]\ncommand = \"x\"\n{keys}").Readiness!;

        Assert.Equal(["pg_isready", "-h", "127.0.0.1"], probe.Exec);
        Assert.Equal(TimeSpan.FromMilliseconds(500), probe.Period);
        Assert.Equal(TimeSpan.FromMilliseconds(200), probe.Timeout);
        Assert.Equal(5, probe.FailureThreshold);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), probe.InitialDelay);
    }

    [Theory]
    [InlineData("liveness = { http = \"http://127.0.0.1:8080/health\", failure_threshold = 2 }\n")]
    [InlineData("\n[web.liveness]\nhttp = \"http://127.0.0.1:8080/health\"\nfailure_threshold = 2\n")]
    public void Liveness_has_the_same_shape(string keys)
    {
        var spec = Single($"[web]\ncommand = \"x\"\n{keys}");

        Assert.Null(spec.Readiness);
        Assert.Equal("http://127.0.0.1:8080/health", spec.Liveness!.Http);
        Assert.Equal(2, spec.Liveness.FailureThreshold);
    }

    [Fact]
    public void An_http_probe_may_take_each_instances_port_and_a_wrong_placeholder_is_located()
    {
        var spec = Single("[web]\ncommand = \"x\"\nport_base = 8000\nreadiness = { http = \"http://127.0.0.1:{port}/health/{index}\" }\n");
        Assert.Equal("http://127.0.0.1:{port}/health/{index}", spec.Readiness!.Http);
        Assert.Equal("http://127.0.0.1:8002/health/2", KrustPm.Engine.InstanceVariables.ProbeFor(spec.Readiness, spec, instanceId: 7, index: 2).Http);

        var problems = ConfigLoader.Parse("[web]\ncommand = \"x\"\nreadiness = { http = \"http://127.0.0.1:{port}/\" }\n", ConfigPath).Problems;
        Assert.Equal(
            [$"{ConfigPath}:3: program 'web': key 'readiness.http': placeholder {{port}} needs port_base (the port of instance index i is port_base + i)"],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Https_urls_and_bracketed_ipv6_addresses_are_accepted()
    {
        var spec = Single("[web]\ncommand = \"x\"\nreadiness = { http = \"https://localhost/ready\" }\nliveness = { tcp = \"[::1]:80\" }\n");

        Assert.Equal("https://localhost/ready", spec.Readiness!.Http);
        Assert.Equal("[::1]:80", spec.Liveness!.Tcp);
    }

    [Fact]
    public void Ready_log_line_is_kept_as_written()
    {
        var spec = Single("[web]\ncommand = \"x\"\nready_log_line = 'listening on (port )?\\d+'\n");

        Assert.Equal(@"listening on (port )?\d+", spec.ReadyLogLine);
    }

    [Fact]
    public void Exec_and_tcp_probes_take_the_instance_placeholders_and_refuse_an_unknown_one()
    {
        var loaded = ConfigLoader.Parse(
            "[web]\ncommand = \"x\"\nport_base = 8000\nreadiness = { tcp = \"127.0.0.1:{port}\" }\nliveness = { exec = \"check --port {port} --name {program}.{index}\" }\n", ConfigPath);
        var unknownExec = ConfigLoader.Parse("[web]\ncommand = \"x\"\nreadiness = { exec = \"check {nope}\" }\n", ConfigPath).Problems;
        var unknownTcp = ConfigLoader.Parse("[web]\ncommand = \"x\"\nreadiness = { tcp = \"{nope}:80\" }\n", ConfigPath).Problems;

        Assert.Empty(loaded.Problems);
        Assert.Equal("127.0.0.1:{port}", loaded.Config!.Programs[0].Readiness!.Tcp);
        Assert.Equal(["check", "--port", "{port}", "--name", "{program}.{index}"], loaded.Config.Programs[0].Liveness!.Exec);
        Assert.Contains("key 'readiness.exec'", Assert.Single(unknownExec).ToString(), StringComparison.Ordinal);
        Assert.Contains("{nope}", Assert.Single(unknownExec).ToString(), StringComparison.Ordinal);
        Assert.Contains("key 'readiness.tcp'", Assert.Single(unknownTcp).ToString(), StringComparison.Ordinal);
        Assert.Contains("{nope}", Assert.Single(unknownTcp).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("readiness = { period_ms = 100 }", 3, "key 'readiness': expected exactly one of exec, http or tcp, got none")]
    [InlineData("readiness = { exec = \"true\", http = \"http://a/\" }", 3, "key 'readiness': expected exactly one of exec, http or tcp, got exec and http")]
    [InlineData("liveness = { tcp = \"a:1\", http = \"http://a/\", exec = \"true\" }", 3,
        "key 'liveness': expected exactly one of exec, http or tcp, got exec and http and tcp")]
    [InlineData("readiness = \"http://a/\"", 3,
        "key 'readiness': expected a table such as { http = \"http://127.0.0.1:8080/health\" }, got string \"http://a/\"")]
    [InlineData("readiness = { exec = 5 }", 3, "key 'readiness.exec': expected a command line string, got integer 5")]
    [InlineData("readiness = { exec = \" \" }", 3, "key 'readiness.exec': must not be empty")]
    [InlineData("readiness = { exec = \"check 'x\" }", 3, "key 'readiness.exec': unterminated single quote starting at character 7")]
    [InlineData("readiness = { http = \"127.0.0.1:8080/health\" }", 3,
        "key 'readiness.http': expected an absolute http:// or https:// URL such as \"http://127.0.0.1:8080/health\", got string \"127.0.0.1:8080/health\"")]
    [InlineData("readiness = { http = \"ftp://a/b\" }", 3,
        "key 'readiness.http': expected an absolute http:// or https:// URL such as \"http://127.0.0.1:8080/health\", got string \"ftp://a/b\"")]
    [InlineData("readiness = { http = 8080 }", 3,
        "key 'readiness.http': expected an absolute http:// or https:// URL such as \"http://127.0.0.1:8080/health\", got integer 8080")]
    [InlineData("readiness = { tcp = \"localhost\" }", 3,
        "key 'readiness.tcp': invalid address \"localhost\": missing ':port' after the host; expected \"host:port\" such as \"127.0.0.1:5432\"")]
    [InlineData("readiness = { tcp = \"localhost:0\" }", 3,
        "key 'readiness.tcp': invalid address \"localhost:0\": port '0' is not a number from 1 to 65535; expected \"host:port\" such as \"127.0.0.1:5432\"")]
    [InlineData("readiness = { tcp = \"localhost:65536\" }", 3,
        "key 'readiness.tcp': invalid address \"localhost:65536\": port '65536' is not a number from 1 to 65535; expected \"host:port\" such as \"127.0.0.1:5432\"")]
    [InlineData("readiness = { tcp = 5432 }", 3, "key 'readiness.tcp': expected \"host:port\" such as \"127.0.0.1:5432\", got integer 5432")]
    [InlineData("readiness = { tcp = \"a:1\", period_ms = 0 }", 3, "key 'readiness.period_ms': expected a positive duration, got 0 ms")]
    [InlineData("readiness = { tcp = \"a:1\", timeout_ms = 0 }", 3, "key 'readiness.timeout_ms': expected a positive duration, got 0 ms")]
    [InlineData("readiness = { tcp = \"a:1\", failure_threshold = 0 }", 3, "key 'readiness.failure_threshold': expected a positive integer, got 0")]
    [InlineData("readiness = { tcp = \"a:1\", initial_delay_ms = -1 }", 3, "key 'readiness.initial_delay_ms': expected a non-negative duration, got -1 ms")]
    [InlineData("liveness = { tcp = \"a:1\", period_ms = \"1x\" }", 3, "key 'liveness.period_ms': invalid duration \"1x\": unknown unit \"x\" (use ms, s, m, h or d); expected a number of milliseconds or a string such as \"500ms\", \"10s\", \"2m\", \"1h\" or \"1m30s\"")]
    [InlineData("readiness = { tcp = \"a:1\", perod_ms = 10 }", 3, "unknown key 'readiness.perod_ms' (did you mean 'readiness.period_ms'?)")]
    [InlineData("readiness = { exec = \"true\", url = \"http://a/\" }", 3, "unknown key 'readiness.url' (did you mean 'readiness.http'?)")]
    [InlineData("ready_log_line = 5", 3, "key 'ready_log_line': expected a regular expression string, got integer 5")]
    [InlineData("ready_log_line = \"\"", 3, "key 'ready_log_line': must not be empty (it would match every line)")]
    [InlineData("ready_log_line = \"listening (on\"", 3,
        "key 'ready_log_line': invalid regular expression \"listening (on\": Invalid pattern 'listening (on' at offset 13. Not enough )'s.")]
    public void Bad_probe_values_are_reported_with_line_program_and_key(string line, int lineNumber, string message)
    {
        var problems = ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath).Problems;

        Assert.Equal([$"{ConfigPath}:{lineNumber}: program 'web': {message}"], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Problems_in_a_probe_table_are_reported_at_their_own_lines()
    {
        var text = "[web]\ncommand = \"x\"\n\n[web.liveness]\nexec = \"check\"\nperiod_ms = 0\nfailure_threshold = -2\n";

        var problems = ConfigLoader.Parse(text, ConfigPath).Problems;

        Assert.Equal(
            [
                $"{ConfigPath}:6: program 'web': key 'liveness.period_ms': expected a positive duration, got 0 ms",
                $"{ConfigPath}:7: program 'web': key 'liveness.failure_threshold': expected a positive integer, got -2",
            ],
            problems.Select(p => p.ToString()));
        Assert.Equal(["liveness.period_ms", "liveness.failure_threshold"], problems.Select(p => p.Key));
    }

    [Fact]
    public void A_probe_table_without_a_target_is_reported_at_its_header()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\n\n[web.readiness]\nperiod_ms = 10\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:4: program 'web': key 'readiness': expected exactly one of exec, http or tcp, got none", problem.ToString());
    }

    [Fact]
    public void A_probe_table_and_an_inline_probe_together_are_a_syntax_error()
    {
        var problems = ConfigLoader.Parse("[web]\ncommand = \"x\"\nreadiness = { tcp = \"a:1\" }\n[web.readiness]\nperiod_ms = 10\n", ConfigPath).Problems;

        Assert.Contains(problems, p => p.Line == 4 && p.Message.StartsWith("syntax error: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_probe_table_of_a_program_that_has_problems_is_still_checked()
    {
        var problems = ConfigLoader.Parse("[web]\ninstances = -1\n\n[web.readiness]\nhttp = \"nope\"\n", ConfigPath).Problems;

        Assert.Equal([1, 2, 5], problems.Select(p => p.Line));
    }

    private static ProgramSpec Single(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return Assert.Single(result.Config.Programs);
    }
}
