using System.Diagnostics;
using KrustPm.Host.Export;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Export;

/// <summary>
/// The exports of the bundled examples, checked by the real tools: <c>systemd-analyze verify</c> (Debian's systemd)
/// and <c>docker-compose config</c> (Debian's docker-compose, no daemon needed), and the Kubernetes schemas offline
/// (npm <c>kubernetes-models</c>' validators, run by tests/tools/kubernetes-validator/validate.mjs). .ci/run installs
/// all three.
/// </summary>
public sealed class ExportValidatorTests : IDisposable
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";
    private const string DockerCompose = "/usr/bin/docker-compose";
    private const string Node = "/usr/bin/node";
    private static readonly string KubernetesValidator = Path.Combine(PublishedKrustPm.RepositoryRoot, "tests", "tools", "kubernetes-validator");
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public async Task Systemd_analyze_verify_accepts_the_units_of_an_example(string example)
    {
        Assert.SkipUnless(File.Exists(SystemdAnalyze), $"{SystemdAnalyze} is missing (Debian package systemd; .ci/run installs it)");
        var result = SystemdExporter.Export(ExportSnapshotTests.Example(example), "demo");
        var units = new List<string>();
        foreach (var file in result.Files)
        {
            await File.WriteAllTextAsync(Path.Combine(_folder, file.Name), file.Text, TestContext.Current.CancellationToken);

            // A template is verified through its instances, as systemd would load them.
            var instances = file.Name.EndsWith("@.service", StringComparison.Ordinal)
                ? Enumerable.Range(0, 2).Select(i => file.Name.Replace("@.service", $"@{i}.service", StringComparison.Ordinal)).ToList()
                : [file.Name];
            foreach (var instance in instances.Where(i => i != file.Name))
            {
                await File.WriteAllTextAsync(Path.Combine(_folder, instance), file.Text, TestContext.Current.CancellationToken);
            }

            units.AddRange(instances.Select(i => Path.Combine(_folder, i)));
        }

        var (code, output) = await RunAsync(SystemdAnalyze, ["verify", "--man=no", .. units]);

        // systemd before 254 does not know the backoff keys yet: the units say so in a comment, and that is expected.
        var complaints = output.Split('\n')
            .Where(line => line.Contains(_folder, StringComparison.Ordinal) && !line.Contains("Unknown key 'RestartSteps'", StringComparison.Ordinal)
                && !line.Contains("Unknown key 'RestartMaxDelaySec'", StringComparison.Ordinal))
            .ToList();
        Assert.True(code == 0 && complaints.Count == 0, $"systemd-analyze verify ({code}):\n{output}");
    }

    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public async Task Docker_compose_config_accepts_the_compose_file_of_an_example(string example)
    {
        Assert.SkipUnless(File.Exists(DockerCompose), $"{DockerCompose} is missing (Debian package docker-compose; .ci/run installs it)");
        var file = Assert.Single(ComposeExporter.Export(ExportSnapshotTests.Example(example), "demo", "python:3.12-slim").Files);
        var path = Path.Combine(_folder, file.Name);
        await File.WriteAllTextAsync(path, file.Text, TestContext.Current.CancellationToken);

        var (code, output) = await RunAsync(DockerCompose, ["-f", path, "config", "-q"]);

        Assert.True(code == 0 && output.Trim().Length == 0, $"docker-compose config ({code}):\n{output}");
    }

    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public async Task The_kubernetes_schemas_accept_every_manifest_of_an_example(string example)
    {
        SkipUnlessKubernetesValidator();
        var result = KubernetesExporter.Export(ExportSnapshotTests.Example(example), "demo", "python:3.12-slim");
        var paths = new List<string>();
        foreach (var file in result.Files)
        {
            paths.Add(Path.Combine(_folder, file.Name));
            await File.WriteAllTextAsync(paths[^1], file.Text, TestContext.Current.CancellationToken);
        }

        var (code, output) = await RunAsync(Node, [Path.Combine(KubernetesValidator, "validate.mjs"), .. paths]);

        Assert.True(code == 0 && output.EndsWith("0 problem(s)\n", StringComparison.Ordinal), $"kubernetes-models ({code}):\n{output}");
        var kinds = result.Files.Sum(file => file.Text.Split("\n---\n").Length - 1);
        Assert.Equal(kinds, output.Split('\n').Count(line => line.EndsWith(": valid", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_kubernetes_validator_rejects_a_manifest_the_schemas_do_not_allow()
    {
        SkipUnlessKubernetesValidator();
        var path = Path.Combine(_folder, "bad.yaml");
        await File.WriteAllTextAsync(
            path,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"two\"\n  selector: {}\n  template: {}\n",
            TestContext.Current.CancellationToken);

        var (code, output) = await RunAsync(Node, [Path.Combine(KubernetesValidator, "validate.mjs"), path]);

        Assert.Equal(1, code);
        Assert.Contains("data/spec/replicas must be integer", output, StringComparison.Ordinal);
    }

    private static void SkipUnlessKubernetesValidator() =>
        Assert.SkipUnless(
            File.Exists(Node) && Directory.Exists(Path.Combine(KubernetesValidator, "node_modules", "kubernetes-models")),
            $"node or {KubernetesValidator}/node_modules is missing (.ci/run installs them: npm ci --prefix {KubernetesValidator})");

    private async Task<(int Code, string Output)> RunAsync(string tool, string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await errors);
    }
}
