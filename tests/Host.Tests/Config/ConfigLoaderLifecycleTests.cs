using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>The lifecycle keys: restart policy, backoff, minimum uptime, environment, user.</summary>
public sealed class ConfigLoaderLifecycleTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Lifecycle_keys_have_their_documented_defaults()
    {
        var spec = Single("[web]\ncommand = \"x\"\n");

        Assert.Equal(RestartPolicy.OnFailure, spec.Restart);
        Assert.Equal(TimeSpan.FromMilliseconds(100), spec.RestartDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.RestartDelayMax);
        Assert.Equal(TimeSpan.FromSeconds(1), spec.MinUptime);
        Assert.Equal(TimeSpan.FromSeconds(10), spec.StopTimeout);
        Assert.Equal(Signals.Terminate, spec.StopSignal);
        Assert.Empty(spec.Environment);
        Assert.False(spec.ClearEnvironment);
        Assert.Null(spec.User);
    }

    [Fact]
    public void Lifecycle_keys_are_read()
    {
        var spec = Single("""
            [web]
            command = "x"
            restart = "always"
            restart_delay_ms = 250
            restart_delay_max_ms = 5000
            min_uptime_ms = 0
            stop_signal = "SIGINT"
            stop_timeout_ms = 1500
            clear_env = true
            user = "nobody"
            env = { PORT = 8080, DEBUG = true, NAME = "a b" }
            """);

        Assert.Equal(RestartPolicy.Always, spec.Restart);
        Assert.Equal(TimeSpan.FromMilliseconds(250), spec.RestartDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), spec.RestartDelayMax);
        Assert.Equal(TimeSpan.Zero, spec.MinUptime);
        Assert.Equal(Signals.Interrupt, spec.StopSignal);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), spec.StopTimeout);
        Assert.True(spec.ClearEnvironment);
        Assert.Equal("nobody", spec.User);
        Assert.Equal(["DEBUG=true", "NAME=a b", "PORT=8080"], spec.Environment.Select(e => $"{e.Key}={e.Value}"));
    }

    [Theory]
    [InlineData("on-failure", RestartPolicy.OnFailure)]
    [InlineData("always", RestartPolicy.Always)]
    [InlineData("never", RestartPolicy.Never)]
    public void Restart_policies_are_named_in_kebab_case(string name, RestartPolicy policy) =>
        Assert.Equal(policy, Single($"[web]\ncommand = \"x\"\nrestart = \"{name}\"\n").Restart);

    [Theory]
    [InlineData("[web]\ncommand = \"x\"\nenv.A = \"1\"\nenv.B = 2\n")]
    [InlineData("[web]\ncommand = \"x\"\n\n[web.env]\nA = \"1\"\nB = 2\n")]
    [InlineData("[web]\ncommand = \"x\"\nenv = { B = 2, A = \"1\" }\n")]
    public void Environment_can_be_an_inline_table_dotted_keys_or_a_table(string text) =>
        Assert.Equal(["A=1", "B=2"], Single(text).Environment.Select(e => $"{e.Key}={e.Value}"));

    [Theory]
    [InlineData("restart = \"sometimes\"", 3, "key 'restart': expected one of \"on-failure\", \"always\", \"never\", got string \"sometimes\"")]
    [InlineData("restart = true", 3, "key 'restart': expected one of \"on-failure\", \"always\", \"never\", got boolean true")]
    [InlineData("min_uptime_ms = -1", 3, "key 'min_uptime_ms': expected a non-negative duration, got -1 ms")]
    [InlineData("restart_delay_max_ms = true", 3, "key 'restart_delay_max_ms': expected a number of milliseconds or a string such as \"500ms\", \"10s\", \"2m\", \"1h\" or \"1m30s\", got boolean true")]
    [InlineData("clear_env = \"yes\"", 3, "key 'clear_env': expected true or false, got string \"yes\"")]
    [InlineData("user = \"\"", 3, "key 'user': expected a user name, got \"\"")]
    [InlineData("user = 0", 3, "key 'user': expected a user name, got integer 0")]
    [InlineData("env = \"A=1\"", 3, "key 'env': expected a table of variables such as { KEY = \"value\" }, got string \"A=1\"")]
    [InlineData("env = { A = [1] }", 3, "key 'env': variable A: expected a string, integer or boolean, got an array")]
    [InlineData("env.\"A=B\" = \"x\"", 3, "key 'env': invalid variable name \"A=B\": a variable name must not be empty or contain '=' or a NUL character")]
    public void Bad_lifecycle_values_are_reported_with_line_program_and_key(string line, int lineNumber, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:{lineNumber}: program 'web': {message}", problem.ToString());
    }

    [Fact]
    public void An_env_table_needs_its_program_above_it()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web.env]\nA = \"1\"\n\n[web]\ncommand = \"x\"\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:1: program 'web': [web.env] must follow the program's own table [web]", problem.ToString());
    }

    private static ProgramSpec Single(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return Assert.Single(result.Config.Programs);
    }
}
