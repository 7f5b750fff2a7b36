using System.Diagnostics;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm logs</c> over several instances of real processes: interleaved, each line prefixed <c>name.id | </c>
/// (as <c>--attach</c> prints them), for a program, for every program with no name, and followed.
/// </summary>
public sealed class LogsCommandEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-logs-cmd-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Logs_of_several_instances_are_prefixed_and_follow_interleaves_new_lines_of_each()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [web]
            command = "sh -c 'echo started; while [ ! -f go ]; do sleep 0.02; done; echo went; exec sleep 300'"
            instances = 2

            [solo]
            command = "sh -c 'echo alone; exec sleep 300'"
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p.EnumerateArray().All(program => program.GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running")));
        foreach (var log in new[] { "web.0", "web.1", "solo.0" })
        {
            var path = Path.Combine(_folder, "logs", $"{log}.stdout.log");
            Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(path) && new FileInfo(path).Length > 0, Bound), $"{log} wrote its first line");
        }

        var (exit, web) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "logs", "web");
        var (allExit, all) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "logs");
        var (soloExit, solo) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "logs", "solo");

        Assert.Equal((0, "web.0 | started\nweb.1 | started\n"), (exit, Output(web)));
        Assert.Equal((0, "web.0 | started\nweb.1 | started\nsolo.0 | alone\n"), (allExit, Output(all)));
        Assert.Equal((0, "alone\n"), (soloExit, Output(solo))); // one instance: its lines as written

        var followed = await FollowAsync(["logs", "web", "-f", "-n", "1"], then: () => File.WriteAllText(Path.Combine(_folder, "go"), string.Empty));
        Assert.Equal(["web.0 | started", "web.1 | started"], followed[..2]);
        Assert.Equal(["web.0 | went", "web.1 | went"], followed[2..].Order(StringComparer.Ordinal));
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    /// <summary>The programs' own lines, without the lines krust-pm writes in the log files (<c>--- krust-pm: web.0 try 1 started</c>).</summary>
    private static string Output(string printed) =>
        string.Concat(printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("--- krust-pm:", StringComparison.Ordinal)).Select(l => l + "\n"));

    /// <summary>
    /// Runs a following command; once it has printed the two instances' last lines (it follows them from then on),
    /// does <paramref name="then"/>, reads two more lines, and ends it with Ctrl-C.
    /// </summary>
    private async Task<List<string>> FollowAsync(string[] args, Action then)
    {
        var info = new ProcessStartInfo(krustPm.Executable) { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var follow = Process.Start(info)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(Bound);
        var lines = new List<string>();
        try
        {
            while (lines.Count < 4 && await follow.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                lines.Add(line);
                if (lines.Count == 2)
                {
                    then();
                }
            }
        }
        finally
        {
            Process.Start("kill", ["-INT", follow.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await follow.WaitForExitAsync(CancellationToken.None);
        }

        Assert.Equal(0, follow.ExitCode);
        return lines;
    }
}
