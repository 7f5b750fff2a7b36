using System.Diagnostics;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary><c>krust-pm logs</c> and <c>krust-pm events</c>: printing, following, and a clean end on Ctrl-C.</summary>
public sealed class StreamCommandTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-streams-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Logs_prints_the_tail_and_events_and_logs_f_follow_until_ctrl_c_then_exit_0()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [talker]
            command = "sh -c 'echo hello; echo oops >&2; exec sleep 300'"
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        var stdout = Path.Combine(_folder, "logs", "talker.0.stdout.log");
        await Eventually.Assert(() => File.Exists(stdout) && File.ReadAllText(stdout).Contains("hello", StringComparison.Ordinal), "talker's hello is in its log");

        var (exit, tail) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "logs", "talker", "-n", "1");
        var (errExit, errTail) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "logs", "talker:0", "--stderr");

        Assert.Equal((0, "hello\n"), (exit, tail));
        Assert.Equal(0, errExit);
        Assert.EndsWith("oops\n", errTail, StringComparison.Ordinal);
        Assert.Contains("program.loaded talker instances 1", await FollowUntilCtrlCAsync("events", "--since", "0"), StringComparison.Ordinal);
        Assert.Contains("hello", await FollowUntilCtrlCAsync("logs", "talker", "-f"), StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
    }

    /// <summary>Runs a following command until it has printed a line, sends SIGINT, and checks it exits 0.</summary>
    private async Task<string> FollowUntilCtrlCAsync(params string[] args)
    {
        var info = new ProcessStartInfo(krustPm.Executable) { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var follower = Process.Start(info)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(20));
        var first = await follower.StandardOutput.ReadLineAsync(limit.Token);
        using (var interrupt = Process.Start("kill", ["-INT", follower.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(limit.Token);
        }

        var rest = await follower.StandardOutput.ReadToEndAsync(limit.Token);
        await follower.WaitForExitAsync(limit.Token);
        Assert.True(follower.ExitCode == 0, $"krust-pm {string.Join(' ', args)} exited {follower.ExitCode}: {await follower.StandardError.ReadToEndAsync(limit.Token)}");
        return first + "\n" + rest;
    }
}
