using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>Problems with the file's structure: syntax, top-level keys, table shapes, names; and collecting them all.</summary>
public class ConfigLoaderStructureTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Load_reports_syntax_errors_with_their_lines_and_stops_there()
    {
        var text = "[web]\ncommand = \"x\"\ninstances = -1\nmax_retries = = 2\n[db]\nbroken = \"x\n";

        var result = ConfigLoader.Parse(text, ConfigPath);

        Assert.Null(result.Config);
        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.StartsWith("syntax error: ", p.Message, StringComparison.Ordinal));
        Assert.All(result.Problems, p => Assert.Null(p.Program));
        Assert.Contains(
            "/cfg/krust-pm.toml:4: syntax error: Unexpected token `=` for a value",
            result.Problems.Select(p => p.ToString()));
        Assert.Contains(6, result.Problems.Select(p => p.Line));
        Assert.DoesNotContain(result.Problems, p => p.Line == 3);
    }

    [Fact]
    public void Load_reports_a_duplicate_program_table()
    {
        var text = "[web]\ncommand = \"x\"\n\n[web]\ncommand = \"y\"\n";

        var problems = ConfigLoader.Parse(text, ConfigPath).Problems;

        var duplicate = Assert.Single(problems, p => p.Line == 4);
        Assert.StartsWith("/cfg/krust-pm.toml:4: syntax error: The key `web` is already defined", duplicate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reports_a_duplicate_key()
    {
        var text = "[web]\ncommand = \"x\"\ninstances = 1\ninstances = 2\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(4, problem.Line);
        Assert.Contains("`web.instances` is already defined", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reports_an_integer_too_large_for_TOML_as_a_syntax_error()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\ninstances = 99999999999999999999\n", ConfigPath).Problems);

        Assert.Equal("/cfg/krust-pm.toml:3: syntax error: Unable to parse integer `99999999999999999999`", problem.ToString());
    }

    [Theory]
    [InlineData("foo = 1", "foo", "unknown top-level key 'foo'")]
    [InlineData("port = 4000", "port", "unknown top-level key 'port' (did you mean 'server-port'?)")]
    [InlineData("server_port = 4000", "server_port", "unknown top-level key 'server_port' (did you mean 'server-port'?)")]
    [InlineData("command = \"x\"", "command",
        "unknown top-level key 'command' (program settings belong inside a [program-name] table)")]
    [InlineData("web.command = \"x\"", "web.command",
        "unknown top-level key 'web.command' (declare each program as a table, e.g. [web])")]
    public void Load_reports_unknown_top_level_keys(string line, string key, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"# top\n{line}\n", ConfigPath).Problems);

        Assert.Equal(new ConfigProblem(ConfigPath, 2, null, key, message), problem);
        Assert.Equal($"/cfg/krust-pm.toml:2: {message}", problem.ToString());
    }

    [Theory]
    [InlineData("server-port = \"localhost\"",
        "key 'server-port': invalid address \"localhost\": missing ':port' after the host; expected \"host:port\" (e.g. \"localhost:4000\") or an integer port")]
    [InlineData("server-port = \"localhost:70000\"",
        "key 'server-port': invalid address \"localhost:70000\": port '70000' is not a number from 1 to 65535; expected \"host:port\" (e.g. \"localhost:4000\") or an integer port")]
    [InlineData("server-port = 70000", "key 'server-port': port 70000 is not from 1 to 65535")]
    [InlineData("server-port = 0", "key 'server-port': port 0 is not from 1 to 65535")]
    [InlineData("server-port = true",
        "key 'server-port': expected \"host:port\" (e.g. \"localhost:4000\") or an integer port, got boolean true")]
    public void Load_reports_an_invalid_server_port(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse(line + "\n", ConfigPath).Problems);

        Assert.Equal(new ConfigProblem(ConfigPath, 1, null, "server-port", message), problem);
    }

    [Theory]
    [InlineData("[\"my app\"]", "my app",
        "invalid program name: use only ASCII letters, digits, '_', '-' and '.' (the name is used in file names and URL paths)")]
    [InlineData("[\"web/admin\"]", "web/admin",
        "invalid program name: use only ASCII letters, digits, '_', '-' and '.' (the name is used in file names and URL paths)")]
    [InlineData("[\"café\"]", "café",
        "invalid program name: use only ASCII letters, digits, '_', '-' and '.' (the name is used in file names and URL paths)")]
    [InlineData("[\"..\"]", "..", "invalid program name: a name must start with a letter, a digit or '_' (not '-' or '.')")]
    [InlineData("[\"\"]", "", "invalid program name: a name needs 1 to 64 characters; this one has 0")]
    public void Load_reports_invalid_program_names(string header, string name, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"{header}\ncommand = \"x\"\n", ConfigPath).Problems);

        Assert.Equal(new ConfigProblem(ConfigPath, 1, name, null, message), problem);
    }

    [Fact]
    public void Load_reports_a_nested_table_inside_a_program()
    {
        var text = "[web]\ncommand = \"x\"\n[web.limits]\ncpu = 1\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(
            "/cfg/krust-pm.toml:3: program 'web': nested table [web.limits] is not supported; program settings are plain keys inside [web] (only [web.env], [web.depends_on], [web.readiness] and [web.liveness] are tables)",
            problem.ToString());
    }

    [Fact]
    public void Load_reports_an_array_of_tables()
    {
        var problem = Assert.Single(ConfigLoader.Parse("\n[[web]]\ncommand = \"x\"\n", ConfigPath).Problems);

        Assert.Equal(
            "/cfg/krust-pm.toml:2: program 'web': arrays of tables ([[web]]) are not supported; declare the program once as [web]",
            problem.ToString());
    }

    [Fact]
    public void Load_reports_an_inline_table_program()
    {
        var problem = Assert.Single(ConfigLoader.Parse("web = { command = \"x\" }\n", ConfigPath).Problems);

        Assert.Equal(
            "/cfg/krust-pm.toml:1: program 'web': inline tables are not supported for programs; write it as a table: [web]",
            problem.ToString());
    }

    [Fact]
    public void Load_reports_all_problems_of_a_file_in_line_order()
    {
        var text = """
            server-port = "nowhere"
            colour = "blue"

            [web]
            command = "node 'server.js"
            max_retries = "three"
            instances = -2

            [worker]
            instances = 2
            stop_signal = "STOP"

            [ok]
            command = "sleep 1"

            [w.x]
            """;

        var result = ConfigLoader.Parse(text, ConfigPath);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "/cfg/krust-pm.toml:1: key 'server-port': invalid address \"nowhere\": missing ':port' after the host; expected \"host:port\" (e.g. \"localhost:4000\") or an integer port",
                "/cfg/krust-pm.toml:2: unknown top-level key 'colour'",
                "/cfg/krust-pm.toml:5: program 'web': key 'command': unterminated single quote starting at character 6",
                "/cfg/krust-pm.toml:6: program 'web': key 'max_retries': expected a non-negative integer, got string \"three\"",
                "/cfg/krust-pm.toml:7: program 'web': key 'instances': expected a non-negative integer, got -2",
                "/cfg/krust-pm.toml:9: program 'worker': missing required key 'command'",
                "/cfg/krust-pm.toml:11: program 'worker': key 'stop_signal': unknown signal \"STOP\"; expected one of HUP, INT, QUIT, KILL, USR1, USR2, TERM (optionally with a SIG prefix)",
                "/cfg/krust-pm.toml:16: program 'w': nested table [w.x] is not supported; program settings are plain keys inside [w] (only [w.env], [w.depends_on], [w.readiness] and [w.liveness] are tables)",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_uses_the_absolute_path_in_problems()
    {
        var problem = Assert.Single(ConfigLoader.Parse("foo = 1\n", "relative/krust-pm.toml").Problems);

        Assert.Equal(Path.GetFullPath("relative/krust-pm.toml"), problem.File);
        Assert.True(Path.IsPathRooted(problem.File));
    }
}
