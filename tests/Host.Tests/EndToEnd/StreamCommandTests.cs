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

    [Fact]
    public async Task A_follow_ends_with_exit_0_when_the_reader_of_its_output_goes_away_in_a_real_shell_pipe()
    {
        await using var krust = await StartTalkerAsync();

        // pipefail: the pipeline's status is krust-pm's own; `timeout` bounds a follow that would never end (124).
        var events = await ShellAsync("krust-pm events --since 0 | head -3");
        var logs = await ShellAsync("krust-pm logs talker -f | grep -m1 hello");
        var instance = await ShellAsync("krust-pm logs talker:0 -f --stderr | grep -m1 oops");

        Assert.Equal(0, events.ExitCode);
        Assert.Equal(3, events.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("#", events.Output, StringComparison.Ordinal);
        Assert.Equal((0, "hello\n"), logs);
        Assert.Equal((0, "oops\n"), instance);
        Assert.Equal(0, await krust.TerminateAsync());
    }

    [Fact]
    public async Task Events_reconnects_with_last_event_id_when_krust_pm_restarts_and_no_reconnect_ends_instead()
    {
        var config = await WriteTalkerConfigAsync();
        var first = KrustPmProcess.Start(krustPm.Executable, config);
        await first.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        // From event 0, so that each gets the restart whenever it subscribes.
        using var follower = StartFollower("events", "--since", "0");
        using var once = StartFollower("events", "--since", "0", "--no-reconnect");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var seen = new System.Text.StringBuilder();
        var seenOnce = new System.Text.StringBuilder();
        var reading = ReadLinesAsync(follower, seen, limit.Token);
        var readingOnce = ReadLinesAsync(once, seenOnce, limit.Token);

        // Both are subscribed once the restart's event reached them.
        await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "restart", "talker");
        await Eventually.Assert(() => Read(seen).Contains("command talker restart", StringComparison.Ordinal), "the follower got the restart");
        await Eventually.Assert(() => Read(seenOnce).Contains("command talker restart", StringComparison.Ordinal), "the --no-reconnect follower got the restart");
        Assert.Equal(0, await first.TerminateAsync());
        await first.DisposeAsync();

        // --no-reconnect: the stream's end is the command's end.
        await once.WaitForExitAsync(limit.Token);
        await readingOnce;
        Assert.Equal(0, once.ExitCode);
        Assert.Contains("krust-pm.stopping", Read(seenOnce), StringComparison.Ordinal); // the shutdown's events came first

        await using var second = KrustPmProcess.Start(krustPm.Executable, config);
        await Eventually.Assert(() => Read(seen).Contains("krust-pm.restored", StringComparison.Ordinal), "the follower reconnected and got the new run's events");
        Assert.False(follower.HasExited, "the follower goes on");
        var lines = Read(seen).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ids = lines.Where(line => !line.StartsWith("#-", StringComparison.Ordinal)).Select(line => long.Parse(line[1..line.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ids.Zip(ids.Skip(1)).All(pair => pair.Second > pair.First), $"ids grow, none twice:\n{Read(seen)}");

        Process.Start("kill", ["-TERM", follower.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await follower.WaitForExitAsync(limit.Token);
        await reading;
        Assert.Equal(0, follower.ExitCode);
        Assert.Contains("reconnected", await follower.StandardError.ReadToEndAsync(limit.Token), StringComparison.Ordinal);
        Assert.Equal(0, await second.TerminateAsync());
    }

    [Fact]
    public async Task Logs_f_of_a_program_with_one_instance_resumes_after_its_last_line_when_krust_pm_restarts()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [ticker]
            command = "sh -c 'i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.02; done'"
            """, Token);
        var first = KrustPmProcess.Start(krustPm.Executable, config);
        await first.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        using var follower = StartFollower("logs", "ticker", "-f", "-n", "0");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var seen = new System.Text.StringBuilder();
        var reading = ReadLinesAsync(follower, seen, limit.Token);
        await Eventually.Assert(() => Read(seen).Split('\n').Length > 10, "the follower printed ten lines");

        Assert.Equal(0, await first.TerminateAsync());
        await first.DisposeAsync();
        await using var second = KrustPmProcess.Restart(krustPm.Executable, config, first.Port);
        await Eventually.Assert(
            () => Read(seen).Split('\n') is var lines && Array.FindLastIndex(lines, l => l.Contains(" started, pid ", StringComparison.Ordinal)) is >= 0 and var started
                && lines.Skip(started).Contains("tick 20"),
            "the follower reconnected and printed the next run's start and its 20th tick");
        Process.Start("kill", ["-TERM", follower.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await follower.WaitForExitAsync(limit.Token);
        await reading;
        Assert.Equal(0, await second.TerminateAsync());

        // What it printed is a stretch of the log file, line for line: the exit marker written after it lost the
        // stream and the lines of the next run written before it came back included, none twice.
        var printed = Read(seen).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var file = (await File.ReadAllLinesAsync(Path.Combine(_folder, "logs", "ticker.0.stdout.log"), Token)).ToList();
        var start = file.IndexOf(printed[0]);
        Assert.True(start >= 0, $"'{printed[0]}' is in the file");
        Assert.Equal(file.Skip(start).Take(printed.Length), printed);
        Assert.Contains(printed, line => line.Contains("killed by signal 15 (SIGTERM)", StringComparison.Ordinal));
        Assert.Equal(0, follower.ExitCode);
        Assert.Contains("reconnected", await follower.StandardError.ReadToEndAsync(limit.Token), StringComparison.Ordinal);
    }

    private async Task<string> WriteTalkerConfigAsync()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [talker]
            command = "sh -c 'echo hello; echo oops >&2; exec sleep 300'"
            """, Token);
        return config;
    }

    private async Task<KrustPmProcess> StartTalkerAsync()
    {
        var krust = KrustPmProcess.Start(krustPm.Executable, await WriteTalkerConfigAsync());
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        return krust;
    }

    /// <summary>Runs a pipeline in a real bash with pipefail, krust-pm on its PATH, bounded by <c>timeout</c>.</summary>
    private async Task<(int ExitCode, string Output)> ShellAsync(string pipeline)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"set -o pipefail; timeout 20 bash -o pipefail -c '{pipeline}'");
        info.Environment["PATH"] = Path.GetDirectoryName(krustPm.Executable) + ":" + Environment.GetEnvironmentVariable("PATH");
        using var shell = Process.Start(info)!;
        var output = shell.StandardOutput.ReadToEndAsync(Token);
        var errors = shell.StandardError.ReadToEndAsync(Token);
        await shell.WaitForExitAsync(Token);
        Assert.True(shell.ExitCode != 124, $"`{pipeline}` did not end: {await errors}");
        return (shell.ExitCode, await output);
    }

    private Process StartFollower(params string[] args)
    {
        var info = new ProcessStartInfo(krustPm.Executable) { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static async Task ReadLinesAsync(Process follower, System.Text.StringBuilder seen, CancellationToken cancellationToken)
    {
        while (await follower.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            lock (seen)
            {
                seen.Append(line).Append('\n');
            }
        }
    }

    private static string Read(System.Text.StringBuilder seen)
    {
        lock (seen)
        {
            return seen.ToString();
        }
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
