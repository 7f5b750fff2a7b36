using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The journal with the published binary and real processes: what operators decided survives a restart of krust-pm,
/// the history reads across restarts, the configuration wins for a program it changed, and a journal left torn by
/// SIGKILL, or damaged on disk, never keeps krust-pm from starting.
/// </summary>
public sealed class JournalEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const string Stack = """
        server-port = "127.0.0.1:{port}"

        [web]
        command = "sleep 600"
        instances = 2
        max_instances = 10
        stop_timeout_ms = 2000

        [worker]
        command = "sleep 601"
        stop_timeout_ms = 2000
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-journal-").FullName;

    private string Config => Path.Combine(_folder, "krust-pm.toml");

    private string JournalFolder => Path.Combine(_folder, ".krust-pm", "journal");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_scale_a_stop_and_a_deleted_instance_survive_a_restart_and_a_changed_program_starts_from_the_config()
    {
        await using (var first = Start(Stack))
        {
            await first.WaitForAsync(p => Running(p, "web") == 2 && Running(p, "worker") == 1);
            (await first.Client.GetAsync("/ps?name=web&to=5", Token)).EnsureSuccessStatusCode();
            (await first.Client.PostAsync("/api/v1/programs/worker/stop", null, Token)).EnsureSuccessStatusCode();
            (await first.Client.DeleteAsync("/api/v1/programs/web/instances/3", Token)).EnsureSuccessStatusCode();
            await first.WaitForAsync(p => Running(p, "web") == 4);
            Assert.Equal(0, await first.TerminateAsync());
            await first.AssertNothingLeftAsync();
        }

        await using (var second = Start(Stack))
        {
            var programs = await second.WaitForAsync(p => Running(p, "web") == 4);
            Assert.Equal([0L, 1, 2, 4], Ids(programs, "web"));
            Assert.Equal("Stopped", Instances(programs, "worker").Single().GetProperty("status").GetString());
            Assert.Contains("web: restored from the journal with 4 instance(s)", second.Stderr, StringComparison.Ordinal);
            Assert.All(Instances(programs, "web"), i => Assert.True(i.TryGetProperty("restoredAt", out _)));
            Assert.Equal(0, await second.TerminateAsync());
            await second.AssertNothingLeftAsync();
        }

        var (exit, history) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "history", "web:3", "--config", Config);
        Assert.Equal(0, exit);
        Assert.Contains("command web.3 delete", history, StringComparison.Ordinal);
        Assert.Contains("instance.removed web.3", history, StringComparison.Ordinal);

        // The command of web changes in the file: the configuration wins for web, worker keeps its stop.
        await using var third = Start(Stack.Replace("sleep 600", "sleep 602", StringComparison.Ordinal));
        var changed = await third.WaitForAsync(p => Running(p, "web") == 2);
        Assert.Equal([0L, 1], Ids(changed, "web"));
        Assert.Equal("Stopped", Instances(changed, "worker").Single().GetProperty("status").GetString());
        Assert.Contains("web: dropped from the journal's state: its configuration changed", third.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await third.TerminateAsync());
        await third.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Events_keep_their_ids_across_a_restart_and_since_reads_the_previous_run_from_the_journal()
    {
        long lastBefore;
        await using (var first = Start(Stack))
        {
            await first.WaitForAsync(p => Running(p, "web") == 2 && Running(p, "worker") == 1);
            lastBefore = (await HealthAsync(first)).GetProperty("version").GetInt64();
            Assert.Equal(0, await first.TerminateAsync());
        }

        await using var second = Start(Stack);
        await second.WaitForAsync(p => Running(p, "web") == 2);
        var events = await ReadEventsAsync(second, since: 0, until: "program.restored");

        Assert.Equal("program.loaded", events[0].Type);
        Assert.Contains(events, e => e.Type == "krust-pm.stopping");
        Assert.Contains(events, e => e.Type == "krust-pm.restored");
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.Second.Id > pair.First.Id), string.Join(", ", events.Select(e => e.Id)));
        Assert.True(lastBefore > 0);
        await second.TerminateAsync();
    }

    [Fact]
    public async Task Replay_rebuilds_the_state_at_a_version_or_a_time_and_history_filters_by_instance()
    {
        long scaledVersion;
        DateTimeOffset beforeScale;
        await using (var krust = Start(Stack))
        {
            await krust.WaitForAsync(p => Running(p, "web") == 2 && Running(p, "worker") == 1);
            beforeScale = DateTimeOffset.UtcNow;
            (await krust.Client.GetAsync("/ps?name=web&to=3", Token)).EnsureSuccessStatusCode();
            await krust.WaitForAsync(p => Running(p, "web") == 3);
            scaledVersion = (await HealthAsync(krust)).GetProperty("version").GetInt64();
            Assert.Equal(0, await krust.TerminateAsync());
        }

        var (exit, atVersion) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "replay", "--version", $"{scaledVersion}", "--config", Config);
        Assert.True(exit == 0, atVersion);
        Assert.Equal(3, atVersion.Split('\n').Count(l => l.StartsWith("web ", StringComparison.Ordinal) && l.Contains(" Running ", StringComparison.Ordinal)));

        var (_, atTime) = await KrustPmProcess.RunToExitAsync(
            krustPm.Executable, _folder, "replay", "--json", "--at", beforeScale.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--config", Config);
        var then = JsonDocument.Parse(atTime).RootElement;
        Assert.Equal(2, Instances(then, "web").Count);

        var (_, newest) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "replay", "--json", "--journal", JournalFolder);
        Assert.All(Instances(JsonDocument.Parse(newest).RootElement, "web"), i => Assert.Equal("Stopped", i.GetProperty("status").GetString()));

        var (_, history) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "history", "web:2", "--json", "--config", Config);
        var types = history.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(types, e => Assert.Equal(("web", 2L), (e.GetProperty("program").GetString(), e.GetProperty("instance").GetInt64())));
        Assert.Equal(["instance.launched", "instance.started", "instance.stopping", "instance.exited"], types.Select(e => e.GetProperty("type").GetString()));

        var (bad, badOutput) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "replay", "--at", "yesterday-ish", "--config", Config);
        Assert.Equal(2, bad);
        Assert.Contains("--at yesterday-ish", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGKILL_while_it_writes_never_keeps_krust_pm_from_starting_again()
    {
        // A crash loop writes the journal all the time; krust-pm is killed in the middle of it, again and again.
        const string CrashLoop = """
            server-port = "127.0.0.1:{port}"

            [crasher]
            command = "sh -c 'exit 1'"
            instances = 4
            max_retries = 0
            restart_delay_ms = 1
            restart_delay_max_ms = 5
            """;
        for (var kill = 0; kill < 4; kill++)
        {
            await using var krust = Start(CrashLoop);
            await krust.WaitForAsync(p => Instances(p, "crasher").Any(i => i.GetProperty("currentTry").GetInt32() > 20 * (kill + 1)));
            Assert.DoesNotContain("   at ", krust.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", krust.Stderr, StringComparison.Ordinal);
            await krust.TerminateAsync(signal: 9);
        }

        await using var last = Start(CrashLoop);
        await last.WaitForAsync(p => Instances(p, "crasher").Count == 4);
        Assert.DoesNotContain("Exception", last.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await last.TerminateAsync());
        Assert.True(JournalSegmentsOnDisk() >= 5);
    }

    [Fact]
    public async Task A_damaged_journal_is_reported_with_its_place_and_krust_pm_starts_from_the_last_good_state()
    {
        await using (var first = Start(Stack))
        {
            await first.WaitForAsync(p => Running(p, "web") == 2);
            (await first.Client.GetAsync("/ps?name=web&to=3", Token)).EnsureSuccessStatusCode();
            await first.WaitForAsync(p => Running(p, "web") == 3);
            Assert.Equal(0, await first.TerminateAsync());
        }

        // A bit flips in the middle of the newest segment.
        var segment = Directory.GetFiles(JournalFolder).Order(StringComparer.Ordinal).Last();
        var bytes = await File.ReadAllBytesAsync(segment, Token);
        var middle = Array.IndexOf(bytes, (byte)'\n', bytes.Length / 2) + 20;
        bytes[middle] ^= 0x01;
        await File.WriteAllBytesAsync(segment, bytes, Token);

        await using var second = Start(Stack);
        await second.WaitForAsync(p => Running(p, "web") >= 2);
        Assert.Contains($"journal: {segment}: the record at line", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("is damaged", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await second.TerminateAsync());
    }

    [Fact]
    public async Task A_journal_dir_that_cannot_be_written_exits_2_naming_it_and_starts_nothing()
    {
        var blocker = Path.Combine(_folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the journal folder should be", Token);
        await File.WriteAllTextAsync(Config, $"journal_dir = \"{blocker}/journal\"\n[marker]\ncommand = \"touch started-anyway\"\n", Token);

        var (exit, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "--config", Config);

        Assert.True(exit == 2, output);
        Assert.Contains($"journal_dir {blocker}/journal cannot be written", output, StringComparison.Ordinal);
        Assert.Contains("nothing was started", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "started-anyway")));
    }

    /// <summary>Starts krust-pm on this configuration (its <c>{port}</c> a new free port each time).</summary>
    private KrustPmProcess Start(string config)
    {
        File.WriteAllText(Config, config);
        return KrustPmProcess.Start(krustPm.Executable, Config);
    }

    private int JournalSegmentsOnDisk() => Directory.GetFiles(JournalFolder, "segment-*.jsonl").Length;

    private static async Task<JsonElement> HealthAsync(KrustPmProcess krust) =>
        JsonDocument.Parse(await krust.Client.GetStringAsync("/healthz", Token)).RootElement.Clone();

    private static List<JsonElement> Instances(JsonElement programs, string name) =>
        [.. programs.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).SelectMany(p => p.GetProperty("instances").EnumerateArray())];

    private static int Running(JsonElement programs, string name) =>
        Instances(programs, name).Count(i => i.GetProperty("status").GetString() == "Running");

    private static List<long> Ids(JsonElement programs, string name) => [.. Instances(programs, name).Select(i => i.GetProperty("id").GetInt64())];

    /// <summary>Reads the event stream from <paramref name="since"/> until an event of type <paramref name="until"/> (bounded).</summary>
    private static async Task<List<(long Id, string Type)>> ReadEventsAsync(KrustPmProcess krust, long since, string until)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await krust.Client.GetAsync($"/api/v1/events?since={since}", HttpCompletionOption.ResponseHeadersRead, limit.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
        var events = new List<(long, string)>();
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                var type = data.GetProperty("type").GetString()!;
                events.Add((data.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : 0, type));
                if (type == until)
                {
                    return events;
                }
            }
        }

        return events;
    }
}
