using KrustPm.Host.Config;
using KrustPm.Host.Export;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Export;

/// <summary>
/// Each exporter's output for the bundled examples, as snapshots. The repository's location is replaced by
/// <c>{repo}</c> so that the snapshots hold wherever the repository is checked out.
/// </summary>
public sealed class ExportSnapshotTests
{
    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public void The_systemd_export_of_an_example_matches_its_snapshot(string example)
    {
        var config = Example(example);
        var result = SystemdExporter.Export(config, "demo");
        Snapshooter.Xunit3.Snapshot.Match(WithoutMachinePaths(Lines(result), config), Snapshooter.SnapshotNameExtension.Create(example));
    }

    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public void The_compose_export_of_an_example_matches_its_snapshot(string example)
    {
        var result = ComposeExporter.Export(Example(example), "demo", "python:3.12-slim");
        Snapshooter.Xunit3.Snapshot.Match(Lines(result), Snapshooter.SnapshotNameExtension.Create(example));
    }

    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public void The_kubernetes_export_of_an_example_matches_its_snapshot(string example)
    {
        var result = KubernetesExporter.Export(Example(example), "demo", "python:3.12-slim");
        Snapshooter.Xunit3.Snapshot.Match(Lines(result), Snapshooter.SnapshotNameExtension.Create(example));
    }

    internal static KrustConfig Example(string name)
    {
        var loaded = ConfigLoader.Load(Path.Combine(PublishedKrustPm.RepositoryRoot, "examples", name));
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        return loaded.Config;
    }

    /// <summary>
    /// Writes each command's absolute path, which this machine's PATH decides (<c>/root/.pyenv/shims/python3</c> or
    /// <c>/usr/bin/python3</c>), as <c>{PATH}/python3</c>, so that the snapshot holds on any machine.
    /// </summary>
    private static string[] WithoutMachinePaths(string[] lines, KrustConfig config)
    {
        var resolved = config.Programs.Select(p => p.Argv[0]).Distinct(StringComparer.Ordinal)
            .Where(command => !command.Contains('/', StringComparison.Ordinal))
            .Select(command => (Command: command, Path: ExportNames.Resolve(command)))
            .Where(c => c.Path is not null)
            .ToList();
        return [.. lines.Select(line => resolved.Aggregate(line, (text, c) => text.Replace(c.Path!, "{PATH}/" + c.Command, StringComparison.Ordinal)))];
    }

    private static string[] Lines(ExportResult result) =>
        [.. result.Files.SelectMany(file => new[] { $"---- {file.Name}" }.Concat(file.Text.Replace(PublishedKrustPm.RepositoryRoot, "{repo}", StringComparison.Ordinal).Split('\n'))),
         "---- stderr", .. result.Unmapped];
}
