using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>The per-program <c>image</c> key (issue 22): the container image of <c>krust-pm export kubernetes</c>.</summary>
public sealed class ConfigLoaderImageTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void A_program_has_no_image_unless_it_names_one()
    {
        var result = ConfigLoader.Parse("[web]\ncommand = \"x\"\n[db]\ncommand = \"y\"\nimage = \"registry.example/db:1.2@sha256:abc\"\n", ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Null(result.Config.Programs[0].Image);
        Assert.Equal("registry.example/db:1.2@sha256:abc", result.Config.Programs[1].Image);
    }

    [Theory]
    [InlineData("image = 3", "got integer 3")]
    [InlineData("image = \"\"", "got string \"\"")]
    [InlineData("image = \"python 3\"", "got string \"python 3\"")]
    public void A_bad_image_is_a_located_error(string line, string got)
    {
        var result = ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(
            $"{ConfigPath}:3: program 'web': key 'image': expected a container image reference such as \"python:3.12-slim\", {got}",
            problem.ToString());
    }
}
