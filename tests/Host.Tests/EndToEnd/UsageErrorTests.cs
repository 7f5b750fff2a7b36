namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>A command line krust-pm cannot parse: exit 2 and a message in the user's terms, never a .NET type name.</summary>
public sealed class UsageErrorTests(PublishedKrustPm krustPm)
{
    [Theory]
    [InlineData("'x' is not a whole number (--lines takes one, e.g. 3).", "logs", "web", "-n", "x")]
    [InlineData("'many' is not a whole number (N takes one, e.g. 3).", "scale", "web", "many")]
    [InlineData("'y' is not a whole number (--since takes one, e.g. 3).", "events", "--since", "y")]
    [InlineData("'soon' is not a whole number (--timeout takes one, e.g. 3).", "restart", "web", "--rolling", "--timeout", "soon")]
    [InlineData("'yesterday' is not a whole number (--version takes one, e.g. 3).", "replay", "--version", "yesterday")]
    [InlineData("Argument 'up' not recognized.", "wait", "web", "--for", "up")]
    public async Task A_bad_value_is_a_usage_error_in_plain_words(string message, params string[] args)
    {
        var (exit, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, Path.GetTempPath(), args);

        Assert.Equal(2, exit);
        Assert.Contains($"krust-pm: {message}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("status", "--help")]
    [InlineData("top", "--help")]
    public async Task Help_prints_help_and_asks_no_krust_pm(params string[] args)
    {
        // An empty folder: a command there would say it uses the default address; help must not even look.
        var folder = Directory.CreateTempSubdirectory("krust-help-").FullName;
        try
        {
            var (exit, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, args);

            Assert.Equal(0, exit);
            Assert.StartsWith("Description:", output, StringComparison.Ordinal);
            Assert.DoesNotContain("default address", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_root_help_shows_optional_arguments_in_brackets_with_the_columns_aligned()
    {
        var (exit, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, Path.GetTempPath(), "--help");

        Assert.Equal(0, exit);
        var rows = output.ReplaceLineEndings("\n").Split('\n');
        var status = Assert.Single(rows, r => r.StartsWith("  status ", StringComparison.Ordinal));
        var scale = Assert.Single(rows, r => r.StartsWith("  scale ", StringComparison.Ordinal));
        Assert.StartsWith("  status [NAME] ", status, StringComparison.Ordinal);
        Assert.StartsWith("  logs [TARGET] ", Assert.Single(rows, r => r.StartsWith("  logs ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith("  scale <NAME> <N> ", scale, StringComparison.Ordinal);
        Assert.Equal(status.IndexOf("Show the", StringComparison.Ordinal), scale.IndexOf("Set the", StringComparison.Ordinal));
    }
}
