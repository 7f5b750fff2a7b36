using System.Net.Http.Json;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Sampling real processes: what a process tree uses shows in the API and in <c>krust-pm status</c>, and
/// <c>max_memory</c> restarts a real program that holds more (a restart, not a failure).
/// </summary>
public sealed class ResourcesEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-resources-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_busy_process_tree_shows_its_cpu_memory_processes_threads_and_files()
    {
        // A shell with a sleeping child and a busy awk: three processes in the instance's session.
        var config = await WriteConfigAsync("""
            sample_interval_ms = 1000
            [burner]
            command = "sh -c 'sleep 300 & awk \"BEGIN { while (1) {} }\" & wait'"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        var instance = await FirstInstanceAsync(
            krust, "burner", i => i.TryGetProperty("processes", out var n) && n.GetInt32() == 3 && i.GetProperty("cpuPercent").GetDouble() > 50,
            "the burner's three processes are sampled, awk busy");

        Assert.InRange(instance.GetProperty("memoryBytes").GetInt64(), 100_000, 100_000_000);
        Assert.True(instance.GetProperty("threads").GetInt32() >= 3);
        Assert.True(instance.GetProperty("openFiles").GetInt32() >= 9, "stdin, stdout and stderr of each"); // 3 each at least
        Assert.True(instance.GetProperty("cpuSeconds").GetDouble() > 0);

        // /metrics says what the API says (the same sample; asked until no new sample comes between the two reads).
        await Eventually.Value<(long Api, long Metrics), KeyNotFoundException>(
            async () =>
            {
                var api = (await krust.Client.GetFromJsonAsync<JsonElement>("/api/v1/programs/burner", TestContext.Current.CancellationToken))
                    .GetProperty("instances")[0].GetProperty("memoryBytes").GetInt64();
                var text = await krust.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
                var line = text.Split('\n').Single(l => l.StartsWith("krust_pm_instance_memory_resident_bytes{", StringComparison.Ordinal) && l.Contains("program=\"burner\"", StringComparison.Ordinal));
                return (api, long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            },
            pair => pair.Api == pair.Metrics,
            "the memory in /metrics is the API's");

        var (exit, table) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status");
        Assert.Equal(0, exit);
        var row = table.Split('\n').Single(l => l.StartsWith("burner", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("%", row[5], StringComparison.Ordinal);
        Assert.Matches("^[0-9.]+[KMG]$", row[6]);

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Max_memory_restarts_a_program_above_it_as_a_restart_not_a_failure()
    {
        var config = await WriteConfigAsync("""
            sample_interval_ms = 200
            [hog]
            command = "python3 -c 'import time; b = bytearray(64 << 20); time.sleep(300)'"
            max_memory = "32M"
            max_retries = 1
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);

        // max_retries = 1 would end it as RetriesExceeded after two failures: three runs show they are not failures.
        var programs = await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("currentTry").GetInt32() >= 3);
        var instance = programs[0].GetProperty("instances")[0];

        Assert.NotEqual("RetriesExceeded", instance.GetProperty("status").GetString());
        Assert.Contains("restarted: memory", krust.Stderr, StringComparison.Ordinal);
        Assert.Matches("hog.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms \\(restarted: memory [0-9]+ MiB above max_memory 32 MiB\\)", krust.Stderr);
        var detail = await krust.Client.GetFromJsonAsync<JsonElement>("/api/v1/programs/hog", TestContext.Current.CancellationToken);
        Assert.Equal(0, detail.GetProperty("instances")[0].GetProperty("consecutiveFailures").GetInt32());

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task In_a_cgroup_the_cpu_of_a_detached_child_that_has_exited_still_counts()
    {
        Assert.SkipUnless(KrustPm.Engine.Linux.CgroupTree.Probe(null, out var problem) is not null, $"no writable cgroup v2 here: {problem}");

        // awk, detached from the instance's session and reaped by someone else, burns CPU for a while and exits: /proc
        // of the instance's processes no longer has its time; the instance's cgroup (cpu.stat) does.
        var config = await WriteConfigAsync("""
            sample_interval_ms = 200
            [detacher]
            command = "sh -c '(setsid awk \"BEGIN { for (i = 0; i < 20000000; i++) {} }\" &); exec sleep 300'"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        var instance = await FirstInstanceAsync(
            krust, "detacher", i => i.GetProperty("processes").GetInt32() == 1 && i.GetProperty("cpuSeconds").GetDouble() >= 0.2,
            "the detached awk has exited and its CPU time is the instance's", TimeSpan.FromSeconds(60));

        Assert.Equal("sleep", System.IO.File.ReadAllText($"/proc/{instance.GetProperty("pid").GetInt32()}/comm").Trim());
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    /// <summary>The first instance of a program as the API shows it, once <paramref name="accept"/> holds (a sample may still be missing).</summary>
    private static Task<JsonElement> FirstInstanceAsync(KrustPmProcess krust, string program, Func<JsonElement, bool> accept, string what, TimeSpan? timeout = null) =>
        Eventually.Value<JsonElement, KeyNotFoundException>(
            async () => (await krust.Client.GetFromJsonAsync<JsonElement>($"/api/v1/programs/{program}", TestContext.Current.CancellationToken)).GetProperty("instances")[0],
            accept,
            what,
            timeout);

    private async Task<string> WriteConfigAsync(string programs)
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, "server-port = \"127.0.0.1:{port}\"\n" + programs, TestContext.Current.CancellationToken);
        return config;
    }
}
