using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

public class ConfigLocatorTests
{
    [Fact]
    public void Locate_uses_an_explicit_path_relative_to_the_current_directory()
    {
        using var temp = new TempDirectory();
        temp.CreateDirectory("conf");
        var file = temp.WriteFile(Path.Combine("conf", "mine.toml"), "");
        temp.WriteFile("krust-pm.toml", "");

        var location = ConfigLocator.Locate("conf/mine.toml", temp.Path);

        Assert.True(location.Found);
        Assert.Equal(file, location.Path);
        Assert.Null(location.Error);
        Assert.Equal([file], location.Searched);
    }

    [Fact]
    public void Locate_uses_an_absolute_explicit_path_as_is()
    {
        using var temp = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var file = elsewhere.WriteFile("x.toml", "");

        var location = ConfigLocator.Locate(file, temp.Path);

        Assert.Equal(file, location.Path);
    }

    [Fact]
    public void Locate_reports_a_missing_explicit_path()
    {
        using var temp = new TempDirectory();
        var expected = Path.Combine(temp.Path, "x", "y.toml");

        var location = ConfigLocator.Locate("x/y.toml", temp.Path);

        Assert.False(location.Found);
        Assert.Null(location.Path);
        Assert.Equal($"configuration file not found: {expected} (from --config)", location.Error);
    }

    [Fact]
    public void Locate_does_not_fall_back_to_defaults_when_the_explicit_path_is_missing()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("krust-pm.toml", "");

        var location = ConfigLocator.Locate("other.toml", temp.Path);

        Assert.False(location.Found);
    }

    [Fact]
    public void Locate_reports_an_explicit_directory()
    {
        using var temp = new TempDirectory();
        var dir = temp.CreateDirectory("conf");

        var location = ConfigLocator.Locate("conf", temp.Path);

        Assert.Equal($"configuration file is a directory: {dir} (from --config)", location.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Locate_reports_an_empty_explicit_path(string explicitPath)
    {
        using var temp = new TempDirectory();

        var location = ConfigLocator.Locate(explicitPath, temp.Path);

        Assert.Equal("configuration file not given: --config needs a file path", location.Error);
    }

    [Fact]
    public void Locate_prefers_krust_pm_toml_over_rust_pm_toml()
    {
        using var temp = new TempDirectory();
        var preferred = temp.WriteFile("krust-pm.toml", "");
        temp.WriteFile("rust-pm.toml", "");

        var location = ConfigLocator.Locate(null, temp.Path);

        Assert.Equal(preferred, location.Path);
    }

    [Fact]
    public void Locate_falls_back_to_rust_pm_toml()
    {
        using var temp = new TempDirectory();
        var fallback = temp.WriteFile("rust-pm.toml", "");

        var location = ConfigLocator.Locate(null, temp.Path);

        Assert.True(location.Found);
        Assert.Equal(fallback, location.Path);
    }

    [Fact]
    public void Locate_ignores_a_directory_named_like_the_default_file()
    {
        using var temp = new TempDirectory();
        temp.CreateDirectory("krust-pm.toml");
        var fallback = temp.WriteFile("rust-pm.toml", "");

        var location = ConfigLocator.Locate(null, temp.Path);

        Assert.Equal(fallback, location.Path);
    }

    [Fact]
    public void Locate_lists_every_path_looked_at_when_none_is_found()
    {
        using var temp = new TempDirectory();
        var krust = Path.Combine(temp.Path, "krust-pm.toml");
        var rust = Path.Combine(temp.Path, "rust-pm.toml");

        var location = ConfigLocator.Locate(null, temp.Path);

        Assert.False(location.Found);
        Assert.Equal([krust, rust], location.Searched);
        Assert.Equal($"no configuration file found: looked for {krust} and {rust}; pass --config FILE", location.Error);
    }
}
