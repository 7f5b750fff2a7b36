namespace KrustPm.Engine.Tests;

public class CommandSplitterTests
{
    [Theory]
    [InlineData("ls", new[] { "ls" })]
    [InlineData("./sleeper.py", new[] { "./sleeper.py" })]
    [InlineData("  ls   -l\t/tmp  ", new[] { "ls", "-l", "/tmp" })]
    [InlineData("a\nb\r\nc", new[] { "a", "b", "c" })]
    [InlineData("python3 -c 'import time; time.sleep(60)'", new[] { "python3", "-c", "import time; time.sleep(60)" })]
    public void TrySplit_separates_words_on_blanks(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData("'a b'", new[] { "a b" })]
    [InlineData("'a \"b\" c'", new[] { "a \"b\" c" })]
    [InlineData(@"'a\b'", new[] { @"a\b" })]
    [InlineData("'$HOME *'", new[] { "$HOME *" })]
    [InlineData("'\"'", new[] { "\"" })]
    [InlineData("'a\nb'", new[] { "a\nb" })]
    public void TrySplit_keeps_single_quoted_text_literally(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData("\"a b\"", new[] { "a b" })]
    [InlineData("\"a 'b' c\"", new[] { "a 'b' c" })]
    [InlineData(@"""a\""b""", new[] { "a\"b" })]
    [InlineData(@"""a\\b""", new[] { @"a\b" })]
    [InlineData(@"""\$HOME""", new[] { "$HOME" })]
    [InlineData(@"""\`date\`""", new[] { "`date`" })]
    [InlineData("\"a\\\nb\"", new[] { "ab" })]
    [InlineData(@"""a\nb""", new[] { @"a\nb" })]
    [InlineData(@"""a\'b""", new[] { @"a\'b" })]
    [InlineData("\"$HOME\"", new[] { "$HOME" })]
    public void TrySplit_applies_double_quote_escapes_only_to_special_characters(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData(@"a\ b", new[] { "a b" })]
    [InlineData(@"a\\b", new[] { @"a\b" })]
    [InlineData(@"\'x\'", new[] { "'x'" })]
    [InlineData(@"\""x", new[] { "\"x" })]
    [InlineData(@"\n", new[] { "n" })]
    [InlineData("a\\\nb", new[] { "ab" })]
    [InlineData("a \\\n b", new[] { "a", "b" })]
    public void TrySplit_lets_a_backslash_escape_the_next_character_outside_quotes(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData("a'b'\"c\"", new[] { "abc" })]
    [InlineData("\"a b\"c' d'", new[] { "a bc d" })]
    [InlineData(@"'it'\''s'", new[] { "it's" })]
    [InlineData("--name=\"my app\"", new[] { "--name=my app" })]
    public void TrySplit_joins_adjacent_quoted_and_unquoted_parts(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData("''", new[] { "" })]
    [InlineData("\"\"", new[] { "" })]
    [InlineData("a '' b", new[] { "a", "", "b" })]
    [InlineData("a \"\"", new[] { "a", "" })]
    public void TrySplit_keeps_empty_quoted_arguments(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData("echo $HOME ~/x *.txt", new[] { "echo", "$HOME", "~/x", "*.txt" })]
    [InlineData("echo a#b # c", new[] { "echo", "a#b", "#", "c" })]
    [InlineData("a | b > c; d && e", new[] { "a", "|", "b", ">", "c;", "d", "&&", "e" })]
    [InlineData("echo `date` $(pwd)", new[] { "echo", "`date`", "$(pwd)" })]
    public void TrySplit_expands_nothing(string command, string[] expected) =>
        AssertSplits(command, expected);

    [Theory]
    [InlineData("echo 'abc", "unterminated single quote starting at character 6")]
    [InlineData("'a'b'", "unterminated single quote starting at character 5")]
    [InlineData("echo \"abc", "unterminated double quote starting at character 6")]
    [InlineData(@"echo ""a\""", "unterminated double quote starting at character 6")]
    [InlineData("\"'\" '", "unterminated single quote starting at character 5")]
    [InlineData(@"echo abc\", "trailing backslash with nothing to escape")]
    [InlineData(@"\", "trailing backslash with nothing to escape")]
    [InlineData("", "the command is empty")]
    [InlineData("   \t\n ", "the command is empty")]
    [InlineData("\\\n", "the command is empty")]
    public void TrySplit_reports_errors(string command, string expectedError)
    {
        var ok = CommandSplitter.TrySplit(command, out var argv, out var error);

        Assert.False(ok);
        Assert.Equal(expectedError, error);
        Assert.True(argv.IsEmpty);
    }

    [Fact]
    public void TrySplit_returns_no_error_on_success()
    {
        var ok = CommandSplitter.TrySplit("a b", out var argv, out var error);

        Assert.True(ok);
        Assert.Null(error);
        Assert.Equal(2, argv.Length);
    }

    private static void AssertSplits(string command, string[] expected)
    {
        var ok = CommandSplitter.TrySplit(command, out var argv, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, argv.ToArray());
    }
}
