using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>
/// <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c> and <c>$$</c> in <c>env</c> values, <c>command</c> and
/// <c>args</c>, expanded against krust-pm's own environment when the file is read.
/// </summary>
public sealed class ConfigLoaderEnvironmentExpansionTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    // Names no one else sets: tests run in parallel in one process.
    private const string Defined = "KRUST_PM_EXPANSION_TEST_VENV";
    private const string Undefined = "KRUST_PM_EXPANSION_TEST_NEVER_SET";

    public ConfigLoaderEnvironmentExpansionTests() => Environment.SetEnvironmentVariable(Defined, "/opt/venv");

    [Fact]
    public void Env_values_expand_against_krust_pms_environment()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var spec = Valid($$"""
            [web]
            command = "x"
            env = { PATH = "${{Defined}}/bin:$PATH", HOME_OF = "${HOME_NOPE_{{Undefined}}:-/nowhere}", PRICE = "$$5", BARE = "a $ b" }
            """).Programs[0];

        Assert.Equal($"/opt/venv/bin:{path}", spec.Environment["PATH"]);
        Assert.Equal("/nowhere", spec.Environment["HOME_OF"]);
        Assert.Equal("$5", spec.Environment["PRICE"]);
        Assert.Equal("a $ b", spec.Environment["BARE"]);
    }

    [Fact]
    public void An_env_table_expands_too() =>
        Assert.Equal("/opt/venv/lib", Valid($"[web]\ncommand = \"x\"\n[web.env]\nLIB = \"${Defined}/lib\"\n").Programs[0].Environment["LIB"]);

    [Fact]
    public void Command_expands_outside_single_quotes_and_never_splits_a_value()
    {
        Environment.SetEnvironmentVariable(Defined + "_SPACED", "two words");
        var text = """
            [web]
            command = '''$@V/bin/app --name ${@V_SPACED} "at ${@V}" '$HOME {print $1}' \$HOME $$x'''
            args = ["$@V", "$$literal", "{print $1}"]
            """;
        var spec = Valid(text.Replace("@V", Defined, StringComparison.Ordinal)).Programs[0];

        Assert.Equal(
            ["/opt/venv/bin/app", "--name", "two words", "at /opt/venv", "$HOME {print $1}", "$HOME", "$x", "/opt/venv", "$literal", "{print $1}"],
            spec.Argv);
    }

    [Theory]
    [InlineData("env = { A = \"$" + Undefined + "\" }", "key 'env': variable A: environment variable " + Undefined + " is not defined")]
    [InlineData("env.A = \"${" + Undefined + "}\"", "key 'env': variable A: environment variable " + Undefined + " is not defined")]
    [InlineData("env = { A = \"${1x}\" }", "key 'env': variable A: invalid variable name \"1x\"")]
    [InlineData("env = { A = \"${OPEN\" }", "key 'env': variable A: unclosed '${'")]
    [InlineData("args = [\"ok\", \"$" + Undefined + "\"]", "key 'args': item 2: environment variable " + Undefined + " is not defined")]
    public void An_undefined_variable_is_a_located_error_that_suggests_a_default_or_a_literal_dollar(string line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath).Problems);

        Assert.StartsWith($"{ConfigPath}:3: program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("$$", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_variable_in_the_command_is_a_located_error()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = 'app --home \"$" + Undefined + "\"'\n", ConfigPath).Problems);

        Assert.StartsWith($"{ConfigPath}:2: program 'web': key 'command': environment variable {Undefined} is not defined", problem.ToString(), StringComparison.Ordinal);
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
