using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

public class KeySuggesterTests
{
    private static readonly string[] Known = ["command", "args", "instances", "max_instances", "max_retries", "workdir"];

    [Theory]
    [InlineData("comand", "command")]
    [InlineData("Command", "command")]
    [InlineData("instance", "instances")]
    [InlineData("max-retries", "max_retries")]
    [InlineData("retries", "max_retries")]
    [InlineData("arg", "args")]
    [InlineData("cmd", "command")]
    [InlineData("cwd", "workdir")]
    public void Suggest_finds_the_closest_known_key(string unknown, string expected) =>
        Assert.Equal(expected, KeySuggester.Suggest(unknown, Known));

    [Theory]
    [InlineData("zzz")]
    [InlineData("environment")]
    [InlineData("x")]
    public void Suggest_returns_nothing_for_unrelated_keys(string unknown) =>
        Assert.Null(KeySuggester.Suggest(unknown, Known));
}
