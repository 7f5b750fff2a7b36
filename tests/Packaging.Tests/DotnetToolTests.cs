namespace KrustPm.Packaging.Tests;

/// <summary>krust-pm as a dotnet tool: packed, installed from the test's feed only, and run.</summary>
public sealed class DotnetToolTests(PackedEngine engine)
{
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_tool_packs_installs_from_the_feed_and_runs_version_and_check()
    {
        var work = engine.Work;
        var feed = work.Folder("tool-feed");
        var pack = await Dotnet.PackAsync(work, Repository.Path("src", "KrustPm.Host"), feed);
        Assert.True(pack.ExitCode == 0, pack.ToString());

        using (var package = new NuGetPackage(Path.Combine(feed, $"krust-pm.{engine.Version}.nupkg")))
        {
            Assert.Equal("krust-pm", package.MetadataValue("id"));
            Assert.Equal("DotnetTool", package.Metadata("packageTypes")?.Elements().Single().Attribute("name")?.Value);
            Assert.Contains("""<Command Name="krust-pm" EntryPoint="krust-pm.dll" Runner="dotnet" />""", package.ReadText("tools/net10.0/any/DotnetToolSettings.xml"), StringComparison.Ordinal);
            Assert.Contains("tools/net10.0/any/Carter.dll", package.Files);
            Assert.DoesNotContain(package.Files, f => HostPublishTests.NotShipped.Any(n => Path.GetFileName(f).StartsWith(n, StringComparison.Ordinal)));
        }

        // A config with no source of its own: the feed given with --add-source is the only place krust-pm can come from.
        var installFolder = work.Folder("tool-install");
        Workspace.WriteNuGetConfig(installFolder, feed: null);
        var tools = work.Folder("tools");
        await Dotnet.SucceedAsync(
            work, installFolder, "tool", "install", "--tool-path", tools, "--add-source", feed,
            "--configfile", Path.Combine(installFolder, "nuget.config"), "krust-pm", "--version", engine.Version);

        var krustPm = Path.Combine(tools, "krust-pm");
        var version = await BoundedProcess.RunAsync(krustPm, ["version"], installFolder, Dotnet.Environment(work), RunBound);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith($"krust-pm {engine.Version}", version.Output, StringComparison.Ordinal);

        var example = Repository.Path("examples", "krust-pm.toml");
        var check = await BoundedProcess.RunAsync(krustPm, ["check", "-c", example], installFolder, Dotnet.Environment(work), RunBound);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.StartsWith($"{example}: valid; 2 program(s): good_sleeper (2), bad_sleeper (1)", check.Output, StringComparison.Ordinal);
    }
}
