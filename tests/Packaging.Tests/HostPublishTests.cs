namespace KrustPm.Packaging.Tests;

/// <summary>
/// What krust-pm ships: the host published as a user publishes it (framework-dependent, Release), and the same files
/// in the dotnet tool package. Carter is kept (the API's module model) but what it drags in and krust-pm never runs
/// (Roslyn, FluentValidation, Carter's analyzer) is not shipped.
/// </summary>
public sealed class HostPublishTests(PackedEngine engine)
{
    /// <summary>
    /// A bound on the published folder, a quarter above the measured 5.6 MB (2026-12-05; 20 MB with Roslyn): room for
    /// growth, none for a 16 MB dependency coming back.
    /// </summary>
    private const long MaxPublishedBytes = 7 * 1024 * 1024;

    internal static readonly string[] NotShipped = ["Microsoft.CodeAnalysis", "FluentValidation", "Carter.Analyzers"];

    [Fact]
    public async Task The_published_folder_has_Carter_without_Roslyn_or_FluentValidation_and_stays_small()
    {
        var work = engine.Work;
        var output = work.Folder("host-publish");
        var publish = await BoundedProcess.RunAsync(
            Dotnet.Executable,
            ["publish", Repository.Path("src", "KrustPm.Host"), "-c", "Release", "-o", output, "--artifacts-path", work.Folder("host-publish-build")],
            Repository.Root,
            WithoutPackagesFolder(work),
            Dotnet.BuildTimeout);
        Assert.True(publish.ExitCode == 0, publish.ToString());

        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "Carter.dll");
        Assert.DoesNotContain(files, f => NotShipped.Any(n => Path.GetFileName(f).StartsWith(n, StringComparison.Ordinal)));
        var deps = await File.ReadAllTextAsync(Path.Combine(output, "krust-pm.deps.json"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(NotShipped, n => deps.Contains($"\"{n}", StringComparison.Ordinal) && deps.Contains(n + ".dll", StringComparison.Ordinal));
        var bytes = files.Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < MaxPublishedBytes, $"the published folder holds {bytes:N0} bytes, more than {MaxPublishedBytes:N0}:\n{string.Join('\n', files.Select(f => $"{new FileInfo(f).Length,12:N0} {Path.GetRelativePath(output, f)}"))}");

        // The API's modules still map and answer without those assemblies.
        var check = await BoundedProcess.RunAsync(
            Path.Combine(output, "krust-pm"), ["check", "-c", Repository.Path("examples", "krust-pm.toml")], output, Dotnet.Environment(work), TimeSpan.FromSeconds(30));
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    /// <summary>As <see cref="Dotnet.PackAsync"/>: the user's packages folder, which holds what the host restores.</summary>
    private static Dictionary<string, string?> WithoutPackagesFolder(Workspace work)
    {
        var environment = Dotnet.Environment(work);
        environment.Remove("NUGET_PACKAGES");
        return environment;
    }
}
