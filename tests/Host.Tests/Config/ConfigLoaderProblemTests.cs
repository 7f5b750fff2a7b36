using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>Problems inside program tables: every one names the file, line, program and key.</summary>
public class ConfigLoaderProblemTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Load_reports_missing_command_with_the_table_line()
    {
        var text = "# programs\n\n[web]\ninstances = 2\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(new ConfigProblem(ConfigPath, 3, "web", "command", "missing required key 'command'"), problem);
        Assert.Equal("/cfg/krust-pm.toml:3: program 'web': missing required key 'command'", problem.ToString());
    }

    [Fact]
    public void Load_reports_a_wrongly_typed_integer_with_the_key_line()
    {
        var text = "[web]\ncommand = \"x\"\n\n\n\n\nmax_retries = \"three\"\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(7, problem.Line);
        Assert.Equal("web", problem.Program);
        Assert.Equal("max_retries", problem.Key);
        Assert.Equal(
            "/cfg/krust-pm.toml:7: program 'web': key 'max_retries': expected a non-negative integer, got string \"three\"",
            problem.ToString());
    }

    [Theory]
    [InlineData("instances = -1", "instances", "expected a non-negative integer, got -1")]
    [InlineData("max_retries = 1.5", "max_retries", "expected a non-negative integer, got float 1.5")]
    [InlineData("max_retries = true", "max_retries", "expected a non-negative integer, got boolean true")]
    [InlineData("instances = [1]", "instances", "expected a non-negative integer, got an array")]
    [InlineData("instances = { n = 1 }", "instances", "expected a non-negative integer, got an inline table")]
    [InlineData("instances = 1979-05-27", "instances", "expected a non-negative integer, got date-time 1979-05-27")]
    [InlineData("restart_delay_ms = 3000000000", "restart_delay_ms",
        "expected a number of milliseconds no larger than 2147483647, got integer 3000000000")]
    [InlineData("stop_timeout_ms = -5", "stop_timeout_ms", "expected a non-negative duration, got -5 ms")]
    [InlineData("max_instances = 0", "max_instances", "expected a positive integer, got 0")]
    [InlineData("max_instances = \"10\"", "max_instances", "expected a positive integer, got string \"10\"")]
    [InlineData("command = 5", "command", "expected a string, got integer 5")]
    [InlineData("command = \"\"", "command", "must not be empty")]
    [InlineData("command = \"  \t \"", "command", "must not be empty")]
    [InlineData("command = \"echo 'hi\"", "command", "unterminated single quote starting at character 6")]
    [InlineData("command = 'run \"x'", "command", "unterminated double quote starting at character 5")]
    [InlineData(@"command = 'run \'", "command", "trailing backslash with nothing to escape")]
    [InlineData("command = \"'' arg\"", "command", "the program to run (the first word) is empty")]
    [InlineData("args = \"-v\"", "args", "expected an array of strings, got string \"-v\"")]
    [InlineData("args = [\"a\", 5]", "args", "item 2: expected a string, got integer 5")]
    [InlineData("args = [[\"a\"]]", "args", "item 1: expected a string, got an array")]
    [InlineData("stop_signal = 15", "stop_signal", "expected a signal name such as \"TERM\", got integer 15")]
    [InlineData("stop_signal = \"FOO\"", "stop_signal",
        "unknown signal \"FOO\"; expected one of HUP, INT, QUIT, KILL, USR1, USR2, TERM (optionally with a SIG prefix)")]
    [InlineData("stop_signal = \"\"", "stop_signal",
        "unknown signal \"\"; expected one of HUP, INT, QUIT, KILL, USR1, USR2, TERM (optionally with a SIG prefix)")]
    [InlineData("workdir = 1", "workdir", "expected a directory path string, got integer 1")]
    [InlineData("workdir = \"\"", "workdir", "must not be empty")]
    public void Load_reports_an_invalid_value_naming_the_program_and_key(string line, string key, string detail)
    {
        var text = $"[web]\n{(key == "command" ? "" : "command = \"x\"\n")}{line}\n";
        var expectedLine = key == "command" ? 2 : 3;

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(new ConfigProblem(ConfigPath, expectedLine, "web", key, $"key '{key}': {detail}"), problem);
    }

    [Fact]
    public void Load_reports_a_non_string_args_item_on_its_own_line()
    {
        var text = "[web]\ncommand = \"x\"\nargs = [\n  \"ok\",\n  42,\n]\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(
            "/cfg/krust-pm.toml:5: program 'web': key 'args': item 2: expected a string, got integer 42",
            problem.ToString());
    }

    [Fact]
    public void Load_reports_instances_above_max_instances_on_the_instances_line()
    {
        var text = "[web]\ncommand = \"x\"\ninstances = 5\nmax_instances = 3\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(
            "/cfg/krust-pm.toml:3: program 'web': key 'instances': 5 is more than max_instances (3)",
            problem.ToString());
    }

    [Fact]
    public void Load_reports_instances_above_the_default_max_instances()
    {
        var text = "[web]\ncommand = \"x\"\ninstances = 1001\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal("key 'instances': 1001 is more than max_instances (1000)", problem.Message);
    }

    [Fact]
    public void Load_reports_an_unknown_key_with_a_suggestion()
    {
        var text = "[web]\ncommand = \"x\"\ncomand = \"y\"\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal("comand", problem.Key);
        Assert.Equal(
            "/cfg/krust-pm.toml:3: program 'web': unknown key 'comand' (did you mean 'command'?)",
            problem.ToString());
    }

    [Theory]
    [InlineData("max_retry = 1", "unknown key 'max_retry' (did you mean 'max_retries'?)")]
    [InlineData("max-instances = 1", "unknown key 'max-instances' (did you mean 'max_instances'?)")]
    [InlineData("cwd = \".\"", "unknown key 'cwd' (did you mean 'workdir'?)")]
    [InlineData("signal = \"TERM\"", "unknown key 'signal' (did you mean 'stop_signal'?)")]
    [InlineData("zzz = 1", "unknown key 'zzz'")]
    [InlineData("limits.cpu = 1", "unknown key 'limits.cpu'")]
    public void Load_reports_unknown_keys(string line, string message)
    {
        var text = $"[web]\ncommand = \"x\"\n{line}\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(3, problem.Line);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void Load_reports_a_misspelled_command_as_missing_and_unknown()
    {
        var text = "[web]\ncomand = \"x\"\n";

        var problems = ConfigLoader.Parse(text, ConfigPath).Problems.Select(p => p.ToString());

        Assert.Equal(
            [
                "/cfg/krust-pm.toml:1: program 'web': missing required key 'command'",
                "/cfg/krust-pm.toml:2: program 'web': unknown key 'comand' (did you mean 'command'?)",
            ],
            problems);
    }

    [Fact]
    public void Load_reports_a_workdir_that_does_not_exist()
    {
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Path, "krust-pm.toml");
        var missing = Path.Combine(temp.Path, "missing");

        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\nworkdir = \"missing\"\n", config).Problems);

        Assert.Equal(
            $"{config}:3: program 'web': key 'workdir': directory does not exist: {missing}",
            problem.ToString());
    }

    [Fact]
    public void A_workdir_with_placeholders_is_checked_per_instance_at_start_not_at_load_but_its_placeholders_are()
    {
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Path, "krust-pm.toml");

        var loaded = ConfigLoader.Parse("[web]\ncommand = \"x\"\ninstances = 2\nworkdir = \"sites/{program}-{index}\"\n", config);
        var wrong = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\nworkdir = \"sites/{nope}\"\n", config).Problems);

        Assert.Empty(loaded.Problems);
        Assert.Equal(Path.Combine(temp.Path, "sites", "{program}-{index}"), loaded.Config!.Programs[0].WorkingDirectory);
        Assert.StartsWith($"{config}:3: program 'web': key 'workdir': ", wrong.ToString(), StringComparison.Ordinal);
        Assert.Contains("{nope}", wrong.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reports_a_workdir_that_is_a_file()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("notes.txt", "hello");

        var problem = Assert.Single(
            ConfigLoader.Parse("[web]\ncommand = \"x\"\nworkdir = \"notes.txt\"\n", Path.Combine(temp.Path, "c.toml")).Problems);

        Assert.Equal($"key 'workdir': not a directory: {file}", problem.Message);
    }

    [Fact]
    public void Load_explains_that_a_tilde_workdir_is_not_expanded()
    {
        using var temp = new TempDirectory();

        var problem = Assert.Single(
            ConfigLoader.Parse("[web]\ncommand = \"x\"\nworkdir = \"~/app\"\n", Path.Combine(temp.Path, "c.toml")).Problems);

        Assert.Equal(
            $"key 'workdir': directory does not exist: {Path.Combine(temp.Path, "~", "app")} ('~' is not expanded)",
            problem.Message);
    }
}
