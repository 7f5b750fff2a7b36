using System.IO.Compression;
using System.Xml.Linq;
using KrustPm.Packaging.Tests;

[assembly: AssemblyFixture(typeof(PackedEngine))]

namespace KrustPm.Packaging.Tests;

/// <summary>
/// Packs KrustPm.Engine once per test run, as a release does (<c>dotnet pack src/KrustPm.Engine -c Release</c>),
/// into the run's own feed; every test class that needs the package shares it.
/// </summary>
/// <remarks>
/// <c>--artifacts-path</c> puts the pack's bin and obj in the workspace: the pack never writes into the source tree,
/// where <c>dotnet test</c> has just built (Debug) and other test modules publish (Release) at the same time.
/// </remarks>
public sealed class PackedEngine : IAsyncLifetime
{
    public Workspace Work { get; } = new();

    /// <summary>The version packed (the repository's, unless the pack says otherwise: the nuspec test compares them).</summary>
    public string Version { get; private set; } = string.Empty;

    public string Package => Path.Combine(Work.Feed, $"KrustPm.Engine.{Version}.nupkg");

    public string SymbolPackage => Path.ChangeExtension(Package, ".snupkg");

    /// <summary>What the pack printed and how long it took, for failure messages.</summary>
    internal ProcessResult? Pack { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Pack = await Dotnet.PackAsync(Work, Repository.Path("src", "KrustPm.Engine"), Work.Feed);
        var packages = Directory.GetFiles(Work.Feed, "KrustPm.Engine.*.nupkg");
        if (Pack.ExitCode != 0 || packages.Length != 1)
        {
            throw new InvalidOperationException($"packing the engine failed:\n{Pack}");
        }

        Version = Path.GetFileNameWithoutExtension(packages[0])["KrustPm.Engine.".Length..];
        CopyDependencies(packages[0]);
    }

    /// <summary>
    /// Puts the packages the engine depends on (its nuspec's dependencies) into the feed beside it, from the packages
    /// folder the pack restored them to: a consumer restoring from this feed alone then finds everything, as it would
    /// on nuget.org, and nothing else.
    /// </summary>
    private void CopyDependencies(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var nuspec = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var dependencies = XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (Id: e.Attribute("id")!.Value.ToLowerInvariant(), Version: e.Attribute("version")!.Value.Trim('[', ']', '(', ')').Split(',')[0]))
            .Distinct();
        var packagesFolder = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var (id, version) in dependencies)
        {
            var nupkg = Path.Combine(packagesFolder, id, version, $"{id}.{version}.nupkg");
            if (!File.Exists(nupkg))
            {
                throw new InvalidOperationException($"the engine depends on {id} {version}, which the pack did not leave in {packagesFolder}");
            }

            File.Copy(nupkg, Path.Combine(Work.Feed, Path.GetFileName(nupkg)));
        }
    }

    public ValueTask DisposeAsync()
    {
        Work.Dispose();
        return ValueTask.CompletedTask;
    }
}
