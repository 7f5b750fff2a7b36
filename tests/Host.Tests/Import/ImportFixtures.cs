using KrustPm.Host.Config;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Import;

/// <summary>
/// A copy of tests/Host.Tests/Import/Fixtures in a temporary folder (supervisord writes its logs beside its files),
/// and helpers to translate a fixture and load the result with the real config loader.
/// </summary>
public sealed class ImportFixtures : IDisposable
{
    private static readonly string Source = Path.Combine(PublishedKrustPm.RepositoryRoot, "tests", "Host.Tests", "Import", "Fixtures");

    public ImportFixtures()
    {
        Root = Directory.CreateTempSubdirectory("krust-import-").FullName;
        foreach (var file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(Root, Path.GetRelativePath(Source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    /// <summary>The copy's root: <c>supervisord/...</c> and <c>pm2/...</c> below it.</summary>
    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The generated TOML with the copy's folder written as <c>&lt;fixtures&gt;</c>, for snapshots.</summary>
    public string Portable(string toml) => toml.Replace(Root, "<fixtures>", StringComparison.Ordinal);

    /// <summary>Writes <paramref name="toml"/> beside the fixture and loads it as krust-pm would; fails with the problems if it does not load.</summary>
    public KrustConfig Load(string toml, string beside)
    {
        var path = Path.Combine(Path.GetDirectoryName(PathOf(beside))!, "krust-pm.toml");
        File.WriteAllText(path, toml);
        var result = ConfigLoader.Load(path);
        Assert.True(result.IsValid, $"the imported file does not load:\n{string.Join("\n", result.Problems)}\n{toml}");
        return result.Config!;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
