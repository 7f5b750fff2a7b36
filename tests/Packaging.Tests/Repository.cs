using System.Xml.Linq;

namespace KrustPm.Packaging.Tests;

/// <summary>The checkout under test: its root and what its build files say the packages must hold.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The one version of every package: <c>&lt;Version&gt;</c> in Directory.Build.props.</summary>
    public static string Version => Property(Path("Directory.Build.props"), "Version");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A property as a project file writes it (the first definition; no MSBuild evaluation).</summary>
    public static string Property(string projectFile, string name) =>
        XDocument.Load(projectFile).Descendants(name).FirstOrDefault()?.Value
            ?? throw new InvalidOperationException($"{projectFile} defines no {name}");

    /// <summary>The commit checked out (<c>git rev-parse HEAD</c>), which a package's repository element must name.</summary>
    public static async Task<string> HeadCommitAsync()
    {
        var result = await BoundedProcess.RunAsync("git", ["-C", Root, "rev-parse", "HEAD"], Root, new Dictionary<string, string?>(), TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Trim();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "KrustPm.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KrustPm.slnx not found above " + AppContext.BaseDirectory);
    }
}
