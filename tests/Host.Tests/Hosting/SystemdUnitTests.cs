using System.Diagnostics;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Hosting;

/// <summary><c>examples/krust-pm.service</c>, checked by systemd's own <c>systemd-analyze verify</c> (.ci/run installs it).</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-unit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Systemd_analyze_verify_accepts_the_shipped_unit()
    {
        Assert.SkipUnless(File.Exists(SystemdAnalyze), $"{SystemdAnalyze} is missing (Debian package systemd; .ci/run installs it)");
        var shipped = await File.ReadAllTextAsync(Path.Combine(PublishedKrustPm.RepositoryRoot, "examples", "krust-pm.service"), TestContext.Current.CancellationToken);

        // verify checks that ExecStart's executable exists: krust-pm is not installed on the test machine.
        Assert.Contains("ExecStart=/usr/local/bin/krust-pm ", shipped, StringComparison.Ordinal);
        var unit = Path.Combine(_folder, "krust-pm.service");
        await File.WriteAllTextAsync(unit, shipped.Replace("/usr/local/bin/krust-pm ", "/bin/true ", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var info = new ProcessStartInfo(SystemdAnalyze) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var arg in new[] { "verify", "--man=no", unit })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        var said = await output + await errors;

        Assert.True(process.ExitCode == 0 && !said.Contains("krust-pm.service", StringComparison.Ordinal), $"systemd-analyze verify ({process.ExitCode}):\n{said}");
        Assert.Contains("Type=notify", shipped, StringComparison.Ordinal);
    }
}
