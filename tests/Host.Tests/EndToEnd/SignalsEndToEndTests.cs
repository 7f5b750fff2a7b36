using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Signals sent to the real krust-pm: none but SIGTERM, SIGINT, SIGQUIT (graceful stops) and SIGKILL ends it. Each
/// other signal whose default action would end a process is handled, with the log line the docs promise, and
/// the programs keep running with the same pids.
/// </summary>
public sealed class SignalsEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-signals-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Every signal that would end a process by default, but SIGINT, SIGQUIT, SIGTERM and SIGKILL; with the line it logs.</summary>
    private static IEnumerable<(int Signal, string? Line)> StraySignals() =>
    [
        (1, "SIGHUP received: reloading "), // the same file: nothing changes
        (10, "log files reopened"),
        (12, "SIGUSR2 received: ignoring"),
        (13, null), // SIGPIPE: .NET ignores it from the start
        (14, "SIGALRM received: ignoring"),
        (16, "SIGSTKFLT received: ignoring"),
        (24, "SIGXCPU received: ignoring"),
        (25, "SIGXFSZ received: ignoring"),
        (26, "SIGVTALRM received: ignoring"),
        (27, "SIGPROF received: ignoring"),
        (29, "SIGIO received: ignoring"),
        (30, "SIGPWR received: ignoring"),
        (34, null), // SIGRTMIN: the .NET runtime's own (it suspends threads with it)
        .. Enumerable.Range(35, 29).Select(n => (n, (string?)$"SIGRTMIN+{n - 34} received: ignoring")),
        (64, "SIGRTMAX received: ignoring"),
    ];

    [Fact]
    public async Task Every_stray_signal_in_turn_leaves_krust_pm_and_its_programs_running_then_SIGTERM_ends_it_with_0()
    {
        var config = await WriteConfigAsync("""
            [sleepy]
            command = "sleep 300"
            instances = 2

            [talker]
            command = "sh -c 'echo up; exec sleep 300'"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        var before = Pids(await krust.WaitForAsync(p => Statuses(p).All(s => s == "Running") && Statuses(p).Count == 3));
        Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(TalkerLog) && File.ReadAllText(TalkerLog).Contains("up\n", StringComparison.Ordinal), Bound));

        foreach (var (signal, line) in StraySignals())
        {
            // A signal with no line of its own is followed by SIGUSR2, whose line then says both were delivered.
            var expected = line ?? "SIGUSR2 received: ignoring";
            var seen = Count(krust.Stderr, expected);
            krust.Send(signal);
            if (line is null)
            {
                krust.Send(12);
            }

            Assert.True(
                await ProcFs.WaitUntilAsync(() => krust.HasExited || Count(krust.Stderr, expected) > seen, Bound),
                $"signal {signal}: no '{expected}' line:\n{krust.Output}");
            Assert.False(krust.HasExited, $"signal {signal} ended krust-pm:\n{krust.Output}");
        }

        Assert.Equal(before, Pids(await krust.GetProgramsAsync()));
        Assert.All(before, pid => Assert.True(ProcFs.IsAlive(pid)));

        // krust-pm catches these signals, never ignores them: its programs still get every one with its default action.
        Assert.All(before, pid => Assert.Equal("0000000000000000", Status(pid, "SigIgn")));
        Assert.Contains("SIGUSR1", krust.Stderr, StringComparison.Ordinal); // who asked for the reopen

        // SIGUSR1 reopened the log files: the talker's output still goes to its file, which a new try proves.
        using (var restart = await krust.Client.PostAsync("/api/v1/programs/talker/restart", null, Token))
        {
            Assert.True(restart.IsSuccessStatusCode);
        }

        Assert.True(await ProcFs.WaitUntilAsync(() => Count(File.ReadAllText(TalkerLog), "up\n") == 2, Bound), File.ReadAllText(TalkerLog));

        Assert.Equal(0, await krust.TerminateAsync());
        Assert.Contains("SIGTERM received: stopping every program, then krust-pm", krust.Stderr, StringComparison.Ordinal);
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task SIGQUIT_stops_krust_pm_gracefully_like_SIGTERM()
    {
        var config = await WriteConfigAsync("""
            [sleepy]
            command = "sleep 300"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => Statuses(p).SequenceEqual(["Running"]));

        Assert.Equal(0, await krust.TerminateAsync(signal: 3));
        Assert.Contains("SIGQUIT received: stopping every program, then krust-pm", krust.Stderr, StringComparison.Ordinal);
        Assert.Contains("sleepy.0 stopping: SIGTERM", krust.Stderr, StringComparison.Ordinal);
        await krust.AssertNothingLeftAsync();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string TalkerLog => Path.Combine(_folder, "logs", "talker.0.stdout.log");

    private static string Status(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

    private static int Count(string text, string line) =>
        (text.Length - text.Replace(line, string.Empty, StringComparison.Ordinal).Length) / line.Length;

    private static List<string> Statuses(JsonElement programs) =>
        [.. programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray()).Select(i => i.GetProperty("status").GetString()!)];

    private static List<int> Pids(JsonElement programs) =>
        [.. programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray()).Select(i => i.GetProperty("pid").GetInt32())];

    private async Task<string> WriteConfigAsync(string programs)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, "server-port = \"127.0.0.1:{port}\"\n" + programs, Token);
        return path;
    }
}
