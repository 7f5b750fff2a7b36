using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>The API's safety keys at the top of the file: <c>auth_token</c> (or <c>env:VAR</c>) and <c>read_only</c>.</summary>
public class ConfigLoaderAuthTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";
    private const string Program = "\n[web]\ncommand = \"./web\"\n";

    [Fact]
    public void Without_the_keys_no_token_is_needed_and_changes_are_allowed()
    {
        var config = Valid(Program);

        Assert.Null(config.AuthToken);
        Assert.False(config.ReadOnly);
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("a much longer token with spaces and ünïcödé")]
    public void A_token_of_16_characters_or_more_is_read_as_written(string token)
    {
        Assert.Equal(token, Valid($"auth_token = \"{token}\"" + Program).AuthToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("0123456789abcde")]
    public void A_token_shorter_than_16_characters_is_a_problem_that_does_not_show_the_token(string token)
    {
        var problem = Problem($"auth_token = \"{token}\"" + Program);

        Assert.Equal((1, "auth_token"), (problem.Line, problem.Key));
        Assert.Contains("a token must be at least 16 characters long", problem.Message, StringComparison.Ordinal);
        if (token.Length > 0)
        {
            Assert.DoesNotContain(token, problem.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(" 0123456789abcdef")]
    [InlineData("0123456789abcdef ")]
    public void A_token_with_spaces_around_it_is_a_problem_since_no_client_could_send_it(string token)
    {
        var problem = Problem($"auth_token = \"{token}\"" + Program);

        Assert.Equal((1, "auth_token"), (problem.Line, problem.Key));
        Assert.Contains("must not start or end with spaces", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Trim(), problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auth_token = 1234567890123456", "got integer 1234567890123456")]
    [InlineData("auth_token = true", "got boolean true")]
    [InlineData("auth_token = [\"0123456789abcdef\"]", "got an array")]
    public void A_token_that_is_not_a_string_is_a_problem(string line, string got)
    {
        var problem = Problem(line + Program);

        Assert.Equal("auth_token", problem.Key);
        Assert.Contains("expected a string (the token, or \"env:VARIABLE\")", problem.Message, StringComparison.Ordinal);
        Assert.Contains(got, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_takes_the_token_from_an_environment_variable()
    {
        using var variable = new TemporaryVariable("0123456789abcdef-from-env");

        Assert.Equal("0123456789abcdef-from-env", Valid($"auth_token = \"env:{variable.Name}\"" + Program).AuthToken);
    }

    [Fact]
    public void Env_naming_an_unset_variable_is_a_problem_naming_it()
    {
        var name = $"KRUST_PM_TEST_UNSET_{Guid.NewGuid():N}";

        var problem = Problem($"auth_token = \"env:{name}\"" + Program);

        Assert.Equal("auth_token", problem.Key);
        Assert.Contains($"the environment variable {name} is not set or empty", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    public void Env_naming_an_empty_or_short_variable_is_a_problem(string value)
    {
        using var variable = new TemporaryVariable(value);

        var problem = Problem($"auth_token = \"env:{variable.Name}\"" + Program);

        Assert.Equal("auth_token", problem.Key);
        Assert.Contains(value.Length == 0 ? "is not set or empty" : "at least 16 characters", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read_only = true", true)]
    [InlineData("read_only = false", false)]
    public void Read_only_is_read(string line, bool expected)
    {
        Assert.Equal(expected, Valid(line + Program).ReadOnly);
    }

    [Theory]
    [InlineData("read_only = \"yes\"", "got string \"yes\"")]
    [InlineData("read_only = 1", "got integer 1")]
    public void Read_only_that_is_not_a_boolean_is_a_problem(string line, string got)
    {
        var problem = Problem(line + Program);

        Assert.Equal("read_only", problem.Key);
        Assert.Contains($"expected true or false, {got}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_key_is_pointed_to_the_right_one()
    {
        var problem = Problem("auth_tokn = \"0123456789abcdef\"" + Program);

        Assert.Contains("did you mean 'auth_token'?", problem.Message, StringComparison.Ordinal);
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }

    private static ConfigProblem Problem(string text) => Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

    /// <summary>An environment variable of a name no other test uses, removed on dispose.</summary>
    private sealed class TemporaryVariable : IDisposable
    {
        public TemporaryVariable(string value)
        {
            Environment.SetEnvironmentVariable(Name, value);
        }

        public string Name { get; } = $"KRUST_PM_TEST_TOKEN_{Guid.NewGuid():N}";

        public void Dispose() => Environment.SetEnvironmentVariable(Name, null);
    }
}
