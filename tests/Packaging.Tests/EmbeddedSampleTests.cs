using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Packaging.Tests;

/// <summary>
/// samples/Embedded, copied out of the repository and built against the packed KrustPm.Engine only, as a consumer
/// would: it runs two programs, scales one, and stops everything on SIGINT.
/// </summary>
public sealed class EmbeddedSampleTests(PackedEngine engine)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_sample_builds_against_the_package_scales_and_on_SIGINT_stops_every_process_and_exits_0()
    {
        var project = CopySample();
        Assert.True(
            engine.Version == Repository.Property(Path.Combine(project, "Embedded.csproj"), "KrustPmEngineVersion"),
            $"samples/Embedded/Embedded.csproj's default KrustPmEngineVersion must be the version packed, {engine.Version}");

        await Dotnet.SucceedAsync(engine.Work, project, "build", project, "-c", "Release");
        AssertRestoredFromTheFeed();

        var environment = Dotnet.Environment(engine.Work);
        environment["TMPDIR"] = engine.Work.Folder("sample-tmp"); // the launcher's guardian keeps its list there
        var bin = Path.Combine(project, "bin", "Release", "net10.0");
        await using var sample = RunningSample.Start(Path.Combine(bin, "Embedded"), project, environment);

        int[] instances =
        [
            Pid(await sample.WaitForLineAsync(@"^ticker\.0 running, pid (\d+) \(try 1\)$", Bound)),
            Pid(await sample.WaitForLineAsync(@"^worker\.0 running, pid (\d+) \(try 1\)$", Bound)),
            Pid(await sample.WaitForLineAsync(@"^worker\.1 running, pid (\d+) \(try 1\)$", Bound)),
        ];
        await sample.WaitForLineAsync(@"^scale worker 2 -> 3: accepted, 1 instance\(s\) affected$", Bound);
        instances = [.. instances, Pid(await sample.WaitForLineAsync(@"^worker\.2 running, pid (\d+) \(try 1\)$", Bound))];
        await sample.WaitForLineAsync("^all running$", Bound);
        await sample.WaitForLineAsync(@"^ticker\.0 \| tick$", Bound);
        sample.RememberChildren();

        // Real processes: children of the sample, each leading its own session, with the guardian beside them.
        Assert.All(instances, pid => Assert.Equal((pid, pid), ProcFs.Ids(pid)));
        Assert.Subset(sample.Children.ToHashSet(), instances.ToHashSet());
        Assert.Equal(instances.Length + 1, sample.Children.Count);

        var exitCode = await sample.SignalAndWaitAsync(RunningSample.SigInt, Bound);

        Assert.True(exitCode == 0, $"the sample exited {exitCode}:\n{sample.Output}");
        foreach (var child in sample.Children)
        {
            Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(child, TimeSpan.FromSeconds(5))); // nothing it started is left
        }

        var output = sample.Output;
        Assert.Contains("SIGINT: stopping every instance", output, StringComparison.Ordinal);
        foreach (var instance in new[] { "ticker.0", "worker.0", "worker.1", "worker.2" })
        {
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(instance)} exited \(\d+\): Stopped", output);
        }

        Assert.EndsWith("stopped; processes left: 0", output, StringComparison.Ordinal);

        // The OutputStore kept the ticker's output in its log file, as well as showing it.
        var log = await File.ReadAllLinesAsync(Path.Combine(bin, "logs", "ticker.0.stdout.log"), TestContext.Current.CancellationToken);
        Assert.StartsWith("--- krust-pm: ticker.0 try 1 started", log[0], StringComparison.Ordinal);
        Assert.Contains("tick", log);
    }

    private static int Pid(System.Text.RegularExpressions.Match line) => int.Parse(line.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Copies the files of samples/Embedded (not its folders: no bin or obj of a local build) with the samples folder's
    /// build files (which stop MSBuild's search for the repository's), and replaces its nuget.config with one whose only
    /// source is the test's feed.
    /// </summary>
    private string CopySample()
    {
        var samples = Path.Combine(engine.Work.Folder("sample"), "samples");
        var project = Path.Combine(samples, "Embedded");
        Directory.CreateDirectory(project);
        foreach (var file in Directory.GetFiles(Repository.Path("samples")))
        {
            File.Copy(file, Path.Combine(samples, Path.GetFileName(file)));
        }

        foreach (var file in Directory.GetFiles(Repository.Path("samples", "Embedded")))
        {
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        }

        Workspace.WriteNuGetConfig(project, engine.Work.Feed);
        return project;
    }

    /// <summary>The package in the run's packages folder was extracted from the test's feed, not taken from elsewhere.</summary>
    private void AssertRestoredFromTheFeed()
    {
        var metadata = Path.Combine(engine.Work.Packages, "krustpm.engine", engine.Version.ToLowerInvariant(), ".nupkg.metadata");
        Assert.True(File.Exists(metadata), $"KrustPm.Engine {engine.Version} is not in the run's packages folder");
        using var json = JsonDocument.Parse(File.ReadAllText(metadata));
        Assert.Equal(Path.TrimEndingDirectorySeparator(engine.Work.Feed), Path.TrimEndingDirectorySeparator(json.RootElement.GetProperty("source").GetString()!));
    }
}
