namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The control commands run from a folder without a configuration file (after the README's
/// <c>krust-pm -c examples/krust-pm.toml</c>): they try the default address and say so.
/// </summary>
public sealed class ControlFallbackTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-fallback-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Status_without_a_config_here_tries_the_default_address_and_says_so()
    {
        var environment = new Dictionary<string, string?> { ["KRUST_PM_URL"] = null, ["KRUST_PM_TOKEN"] = null };

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, environment, "status");

        Assert.Contains(
            $"krust-pm: no krust-pm.toml or rust-pm.toml in {_folder}; using the default address http://localhost:4000/ (give -c FILE or --url to choose)",
            output,
            StringComparison.Ordinal);
        Assert.DoesNotContain("no configuration file found", output, StringComparison.Ordinal);

        // Whether something answers on localhost:4000 on this machine is not ours to decide; a usage error it is not.
        Assert.NotEqual(2, exitCode);
        if (exitCode == 3)
        {
            Assert.Contains("cannot reach krust-pm at http://localhost:4000/ (default address)", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Status_with_an_explicit_config_that_is_missing_is_still_an_error()
    {
        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "-c", "nope.toml");

        Assert.Equal(2, exitCode);
        Assert.Contains("configuration file not found", output, StringComparison.Ordinal);
    }
}
