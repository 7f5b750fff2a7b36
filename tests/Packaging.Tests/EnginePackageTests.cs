using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace KrustPm.Packaging.Tests;

/// <summary>The KrustPm.Engine package as nuget.org would show it, and the code its README shows.</summary>
public sealed class EnginePackageTests(PackedEngine engine)
{
    private static readonly string EngineProject = Repository.Path("src", "KrustPm.Engine", "KrustPm.Engine.csproj");

    [Fact]
    public async Task The_nuspec_has_the_identity_licence_repository_readme_and_description_and_two_dependencies()
    {
        using var package = new NuGetPackage(engine.Package);

        Assert.Equal("KrustPm.Engine", package.MetadataValue("id"));
        Assert.Equal(Repository.Version, package.MetadataValue("version"));
        Assert.Equal(Repository.Version, engine.Version);

        var license = package.Metadata("license");
        Assert.NotNull(license);
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);

        var repository = package.Metadata("repository");
        Assert.NotNull(repository);
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal("https://github.com/krust-pm/krust-pm", repository.Attribute("url")?.Value);
        Assert.Equal(await Repository.HeadCommitAsync(), repository.Attribute("commit")?.Value);

        Assert.Equal("README.md", package.MetadataValue("readme"));
        Assert.Equal(await File.ReadAllTextAsync(Repository.Path("src", "KrustPm.Engine", "README.md"), TestContext.Current.CancellationToken), package.ReadText("README.md"));
        Assert.Equal(Repository.Property(EngineProject, "Description"), package.MetadataValue("description"));
        Assert.Equal(
            Repository.Property(EngineProject, "PackageTags").Split(';').Order(StringComparer.Ordinal),
            (package.MetadataValue("tags") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

        // An embeddable library pulls in as little as it can: Microsoft's System.IO.Hashing (the journal's CRC-32) and
        // Cronos (cron_restart and schedule, decided by the engine), no more.
        Assert.Equal(
            ["Cronos", "System.IO.Hashing"],
            package.Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")?.Value).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_package_holds_the_assembly_and_its_documentation_and_the_symbols_beside_it_link_to_the_commit()
    {
        using var package = new NuGetPackage(engine.Package);

        Assert.Contains("lib/net10.0/KrustPm.Engine.dll", package.Files);
        Assert.Contains("lib/net10.0/KrustPm.Engine.xml", package.Files);
        var docs = XDocument.Parse(package.ReadText("lib/net10.0/KrustPm.Engine.xml"));
        Assert.Contains(docs.Descendants("member"), m => m.Attribute("name")?.Value == "T:KrustPm.Engine.ProcessEngine");

        using var symbols = new NuGetPackage(engine.SymbolPackage);
        Assert.Equal("SymbolsPackage", symbols.Metadata("packageTypes")?.Elements().Single().Attribute("name")?.Value);
        var sourceLink = symbols.SourceLink("lib/net10.0/KrustPm.Engine.pdb");
        Assert.Contains($"https://raw.githubusercontent.com/krust-pm/krust-pm/{await Repository.HeadCommitAsync()}/*", sourceLink, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_code_in_the_package_README_compiles_against_the_package()
    {
        using var package = new NuGetPackage(engine.Package);
        var readme = package.ReadText("README.md");
        // One block, one Program.cs: a second block would need a project of its own here.
        var block = Assert.Single(Regex.Matches(readme, "^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline));

        var folder = engine.Work.Folder("readme");
        Workspace.StopBuildFileSearch(folder);
        Workspace.WriteNuGetConfig(folder, engine.Work.Feed);
        await File.WriteAllTextAsync(Path.Combine(folder, "Readme.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KrustPm.Engine" Version="{engine.Version}" />
              </ItemGroup>
            </Project>
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "Program.cs"), block.Groups[1].Value, TestContext.Current.CancellationToken);

        var build = await Dotnet.RunAsync(engine.Work, folder, "build", folder, "-c", "Release");

        Assert.True(build.ExitCode == 0, $"The csharp block of src/KrustPm.Engine/README.md does not compile against the package:\n{build}");
    }
}
