namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm stop|start|restart|signal @GROUP</c> and <c>all</c> from a real shell's argument list: <c>@app</c> is a
/// group, never a response file of System.CommandLine's (found by hand: <c>restart @app</c> once said "Response file
/// not found 'app'").
/// </summary>
public sealed class GroupCommandsCliTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-groups-cli-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_group_and_all_are_answered_per_program_and_reach_only_their_programs()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "krust-pm.toml"), """
            server-port = "127.0.0.1:{port}"
            [web]
            command = "sleep 300"
            groups = ["app"]
            [worker]
            command = "sleep 301"
            groups = ["app"]
            [cache]
            command = "sleep 302"
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, Path.Combine(_folder, "krust-pm.toml"));
        await krust.WaitForAsync(p => p.GetArrayLength() == 3 && Enumerable.Range(0, 3).All(i => p[i].GetProperty("instances")[0].GetProperty("status").GetString() == "Running"));

        var stop = await RunAsync("stop", "@app");
        var cacheStillRuns = await RunAsync("status", "cache", "--json");
        var start = await RunAsync("start", "@app");
        var unknown = await RunAsync("restart", "@nope");
        var signal = await RunAsync("signal", "all", "HUP");

        Assert.Equal(
            (0, "web: stop, 1 instance(s) affected\nworker: stop, 1 instance(s) affected\n@app: stop, 2 instance(s) affected in 2 program(s)"),
            (stop.ExitCode, stop.Output.Trim().ReplaceLineEndings("\n")));
        Assert.Contains("\"Running\"", cacheStillRuns.Output, StringComparison.Ordinal);
        Assert.Equal(0, start.ExitCode);
        Assert.EndsWith("@app: start, 2 instance(s) affected in 2 program(s)", start.Output.Trim(), StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("nope", unknown.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Response file", unknown.Output, StringComparison.Ordinal);
        Assert.Equal(0, signal.ExitCode);
        Assert.EndsWith("in 3 program(s)", signal.Output.Trim(), StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, args);
}
