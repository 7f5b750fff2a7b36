using System.Diagnostics;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm logs -f</c> shows krust-pm's own marker lines as they are written: a try's start and its exit, in
/// order with the program's output, as the log file has them.
/// </summary>
public sealed class LogsFollowMarkersEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-follow-markers-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Logs_f_shows_each_tries_exit_and_the_next_tries_start_between_the_programs_lines()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [talker]
            command = "sh -c 'echo one; while [ ! -f go ]; do sleep 0.02; done; echo two; exit 3'"
            max_retries = 1
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        var log = Path.Combine(_folder, "logs", "talker.0.stdout.log");
        Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("one\n", StringComparison.Ordinal), Bound));

        var info = new ProcessStartInfo(krustPm.Executable) { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "logs", "talker", "-f", "-n", "2" })
        {
            info.ArgumentList.Add(arg);
        }

        using var follow = Process.Start(info)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(Bound);
        var lines = new List<string>();
        try
        {
            lines.Add((await follow.StandardOutput.ReadLineAsync(limit.Token))!);
            lines.Add((await follow.StandardOutput.ReadLineAsync(limit.Token))!);
            await File.WriteAllTextAsync(Path.Combine(_folder, "go"), string.Empty, Token);
            while (lines.Count < 8 && await follow.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                lines.Add(line);
            }
        }
        finally
        {
            Process.Start("kill", ["-INT", follow.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await follow.WaitForExitAsync(CancellationToken.None);
        }

        Assert.Equal(0, follow.ExitCode);
        Assert.Matches(@"^--- krust-pm: talker\.0 try 1 started, pid \d+, ", lines[0]); // from the tail
        Assert.Equal(["one", "two"], lines[1..3]);
        Assert.Matches(@"^--- krust-pm: talker\.0 try 1 exited with code 3 after \d+\.\d s, ", lines[3]);
        Assert.Matches(@"^--- krust-pm: talker\.0 try 2 started, pid \d+, ", lines[4]);
        Assert.Equal(["one", "two"], lines[5..7]);
        Assert.Matches(@"^--- krust-pm: talker\.0 try 2 exited with code 3 after \d+\.\d s, ", lines[7]);

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }
}
