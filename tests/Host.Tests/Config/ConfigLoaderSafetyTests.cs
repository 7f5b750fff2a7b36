using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>
/// What the operating system could not carry out is refused where it is written: names that cannot be file names,
/// NUL characters in strings handed to programs, nesting too deep to parse; and every problem prints on one line.
/// </summary>
public sealed class ConfigLoaderSafetyTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void A_program_name_longer_than_64_characters_is_reported_at_its_table_with_the_name_cut_short()
    {
        var name = new string('a', 300);

        var problem = Assert.Single(ConfigLoader.Parse($"[{name}]\ncommand = \"sleep 1\"\n", ConfigPath).Problems);

        Assert.Equal(1, problem.Line);
        Assert.Equal(
            $"/cfg/krust-pm.toml:1: program '{new string('a', 64)}'...: invalid program name: a name needs 1 to 64 characters; this one has 300",
            problem.ToString());
    }

    [Theory]
    [InlineData("-web")]
    [InlineData(".hidden")]
    public void A_program_name_starting_with_a_dash_or_a_dot_is_reported(string name)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[\"{name}\"]\ncommand = \"sleep 1\"\n", ConfigPath).Problems);

        Assert.Equal(
            $"/cfg/krust-pm.toml:1: program '{name}': invalid program name: a name must start with a letter, a digit or '_' (not '-' or '.')",
            problem.ToString());
    }

    [Fact]
    public void A_program_name_with_a_newline_is_printed_escaped_on_one_line()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[\"a\\nb\"]\ncommand = \"sleep 1\"\n", ConfigPath).Problems);

        Assert.Equal("a\nb", problem.Program);
        Assert.Equal(
            "/cfg/krust-pm.toml:1: program 'a\\nb': invalid program name: use only ASCII letters, digits, '_', '-' and '.' (the name is used in file names and URL paths)",
            problem.ToString());
    }

    [Fact]
    public void An_unknown_key_with_control_characters_is_printed_escaped_on_one_line()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"sleep 1\"\n\"a\\nb\\u001b[31m\" = 1\n", ConfigPath).Problems);

        Assert.Equal(3, problem.Line);
        Assert.DoesNotContain('\n', problem.ToString());
        Assert.DoesNotContain('\u001b', problem.ToString());
        Assert.Contains("unknown key 'a\\nb\\u001B[31m'", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("command = \"sleep\\u00001\"", "command")]
    [InlineData("command = \"sleep\"\nargs = [\"1\\u0000x\"]", "args")]
    [InlineData("command = \"sleep 1\"\nuser = \"no\\u0000body\"", "user")]
    [InlineData("command = \"sleep 1\"\nworkdir = \"/tmp\\u0000x\"", "workdir")]
    public void A_NUL_character_in_a_string_handed_to_the_program_is_reported_at_its_key(string keys, string key)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\n{keys}\n", ConfigPath).Problems);

        Assert.Equal(key, problem.Key);
        Assert.Equal(keys.Split('\n').Length + 1, problem.Line);
        Assert.Contains("contains a NUL character (\\0), which cannot be passed to a program", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_too_deep_is_reported_at_its_line_saying_what_is_too_deep()
    {
        var text = $"[web]\ncommand = \"sleep 1\"\nargs = {new string('[', 200)}{new string(']', 200)}\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal(
            "/cfg/krust-pm.toml:3: syntax error: arrays and inline tables nested more than 64 levels deep",
            problem.ToString());
    }

    [Fact]
    public void Nesting_too_deep_over_several_lines_is_reported_where_it_goes_too_deep()
    {
        var nested = string.Concat(Enumerable.Range(0, 70).Select(_ => "[\n"));
        var text = $"[web]\ncommand = \"sleep 1\"\nargs = {nested}\"x\"{new string(']', 70)}\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.StartsWith("syntax error: arrays and inline tables nested more than 64 levels deep", problem.Message, StringComparison.Ordinal);
        Assert.InRange(problem.Line ?? 0, 60, 70);
    }
}
