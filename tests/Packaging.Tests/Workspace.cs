namespace KrustPm.Packaging.Tests;

/// <summary>
/// The temporary folder of one test run: the NuGet packages folder, the feed the engine is packed into, the build
/// output of the packs, and a folder per test. Deleted at the end of the run.
/// </summary>
public sealed class Workspace : IDisposable
{
    public Workspace() => RootFolder = Directory.CreateTempSubdirectory("krust-packaging-").FullName;

    public string RootFolder { get; }

    /// <summary><c>NUGET_PACKAGES</c> of every dotnet command: starts empty.</summary>
    public string Packages => Folder("packages");

    /// <summary>The local feed <c>dotnet pack src/KrustPm.Engine -o</c> writes to.</summary>
    public string Feed => Folder("feed");

    /// <summary>The packs' <c>--artifacts-path</c>: their bin and obj, away from the source tree.</summary>
    public string Build => Folder("build");

    /// <summary>A folder of the run's, created if needed.</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(RootFolder, name)).FullName;

    /// <summary>Writes a NuGet config whose only source is <paramref name="feed"/>: nothing else can satisfy a package.</summary>
    public static void WriteNuGetConfig(string folder, string? feed)
    {
        var source = feed is null ? string.Empty : $"""    <add key="krust-pm-test-feed" value="{feed}" />""";
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
            {source}
              </packageSources>
              <fallbackPackageFolders>
                <clear />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>
    /// Makes <paramref name="folder"/> the top of every project below it: MSBuild's searches for
    /// Directory.Build.props, Directory.Build.targets and Directory.Packages.props stop there.
    /// </summary>
    public static void StopBuildFileSearch(string folder)
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(folder, name), "<Project />\n");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(RootFolder, recursive: true);
        }
        catch (IOException)
        {
            // A process of a failed test may still hold a file; the folder is in the temp directory anyway.
        }
    }
}
