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
        var result = SystemdExporter.Export(Example(example), "demo");
        Snapshooter.Xunit3.Snapshot.Match(Lines(result), Snapshooter.SnapshotNameExtension.Create(example));
    }

    [Theory]
    [InlineData("krust-pm.toml")]
    [InlineData("depends-on.toml")]
    public void The_compose_export_of_an_example_matches_its_snapshot(string example)
    {
        var result = ComposeExporter.Export(Example(example), "demo", "python:3.12-slim");
        Snapshooter.Xunit3.Snapshot.Match(Lines(result), Snapshooter.SnapshotNameExtension.Create(example));
    }

    internal static KrustConfig Example(string name)
    {
        var loaded = ConfigLoader.Load(Path.Combine(PublishedKrustPm.RepositoryRoot, "examples", name));
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        return loaded.Config;
    }

    private static string[] Lines(ExportResult result) =>
        [.. result.Files.SelectMany(file => new[] { $"---- {file.Name}" }.Concat(file.Text.Replace(PublishedKrustPm.RepositoryRoot, "{repo}", StringComparison.Ordinal).Split('\n'))),
         "---- stderr", .. result.Unmapped];
}
