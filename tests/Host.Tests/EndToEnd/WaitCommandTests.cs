namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm wait</c> against a running krust-pm: 0 once reached (as soon as the state changes), 1 when an instance
/// cannot get there, 124 on timeout, 2 for a bad argument.
/// </summary>
public sealed class WaitCommandTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-wait-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Wait_answers_when_the_state_is_reached_or_cannot_be_and_times_out_with_124()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [sleepy]
            command = "sleep 300"
            instances = 2

            [job]
            command = "sh -c 'while [ ! -e go ]; do sleep 0.05; done'"
            restart = "never"

            [broken]
            command = "sh -c 'exit 3'"
            restart = "never"
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p.GetArrayLength() == 3 && p[2].GetProperty("instances")[0].GetProperty("status").GetString() == "Failed");

        var running = await WaitAsync("sleepy", "--for", "running");
        var job = WaitAsync("job", "--for", "done"); // done only once the test creates 'go', after the others
        var broken = await WaitAsync("broken", "--for", "running");
        var timedOut = await WaitAsync("sleepy:1", "--for", "done", "--timeout", "300ms");
        var unknown = await WaitAsync("nope", "--for", "running");
        var noInstance = await WaitAsync("sleepy:9", "--for", "running");
        var badWord = await WaitAsync("sleepy", "--for", "up");
        var badTimeout = await WaitAsync("sleepy", "--for", "running", "--timeout", "soon");
        await File.WriteAllTextAsync(Path.Combine(_folder, "go"), string.Empty, Token);
        var done = await job;

        Assert.Equal((0, "sleepy: running (sleepy.0 Running, sleepy.1 Running)"), (running.ExitCode, running.Output.Trim()));
        Assert.Equal((0, "job: done (job.0 Done)"), (done.ExitCode, done.Output.Trim()));
        Assert.Equal((1, "krust-pm: broken will not become running by itself: broken.0 is Failed."), (broken.ExitCode, broken.Output.Trim()));
        Assert.Equal(124, timedOut.ExitCode);
        Assert.StartsWith("krust-pm: sleepy.1 did not become done within 300 ms (", timedOut.Output.Trim(), StringComparison.Ordinal); // then what it last saw
        Assert.Equal((1, "krust-pm: There is no program named 'nope'."), (unknown.ExitCode, unknown.Output.Trim()));
        Assert.Equal((1, "krust-pm: sleepy.9 will not become running by itself: sleepy has no instance 9."), (noInstance.ExitCode, noInstance.Output.Trim()));
        Assert.Equal(2, badWord.ExitCode);
        Assert.Contains("'up'", badWord.Output, StringComparison.Ordinal);
        Assert.Equal(2, badTimeout.ExitCode);
        Assert.Contains("--timeout 'soon' is not a duration", badTimeout.Output, StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private Task<(int ExitCode, string Output)> WaitAsync(params string[] args) =>
        KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, ["wait", .. args]);
}
