using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary><c>max_streams</c>: how many log followers and event streams the API serves at once.</summary>
public class ConfigLoaderMaxStreamsTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";
    private const string Program = "\n[web]\ncommand = \"./web\"\n";

    [Fact]
    public void Without_the_key_256_streams_are_served()
    {
        Assert.Equal(256, Valid(Program).MaxStreams);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void A_whole_number_from_1_to_100000_is_read(int streams)
    {
        Assert.Equal(streams, Valid($"max_streams = {streams}" + Program).MaxStreams);
    }

    [Theory]
    [InlineData("max_streams = 0", "got integer 0")]
    [InlineData("max_streams = -5", "got integer -5")]
    [InlineData("max_streams = 100001", "got integer 100001")]
    [InlineData("max_streams = \"256\"", "got string \"256\"")]
    [InlineData("max_streams = 2.5", "got float 2.5")]
    public void Anything_else_is_a_problem_naming_the_key_and_the_range(string line, string got)
    {
        var problem = Assert.Single(ConfigLoader.Parse(line + Program, ConfigPath).Problems);

        Assert.Equal((1, "max_streams"), (problem.Line, problem.Key));
        Assert.Contains("expected a whole number from 1 to 100000", problem.Message, StringComparison.Ordinal);
        Assert.Contains(got, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_key_suggests_max_streams()
    {
        var problem = Assert.Single(ConfigLoader.Parse("max_stream = 10" + Program, ConfigPath).Problems);

        Assert.Contains("max_streams", problem.Message, StringComparison.Ordinal);
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
