using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>A real scheduled job (<c>schedule</c>, 6 fields: every 2 seconds): run at each tick, Done between ticks, said by status.</summary>
public sealed class ScheduleEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-schedule-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_job_runs_at_each_tick_and_rests_Done_between_them()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [tick]
            command = "sh -c 'echo ran at $(date +%s)'"
            schedule = "*/2 * * * * *"
            timezone = "UTC"
            """, TestContext.Current.CancellationToken);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);

        // Not started at load: it waits for its first tick.
        var loaded = await krust.WaitForAsync(p => p.GetArrayLength() == 1);
        Assert.Matches("^(Stopped|Started|Running|Done)$", loaded[0].GetProperty("instances")[0].GetProperty("status").GetString());

        var done = await krust.WaitForAsync(p => p[0].GetProperty("instances")[0] is var i
            && i.GetProperty("status").GetString() == "Done" && i.GetProperty("currentTry").GetInt32() >= 3);
        Assert.Equal(0, done[0].GetProperty("instances")[0].GetProperty("lastExitCode").GetInt32());

        var log = Path.Combine(_folder, "logs", "tick.0.stdout.log");
        await Eventually.Assert(() => File.Exists(log) && File.ReadAllLines(log).Count(l => l.StartsWith("ran at ", StringComparison.Ordinal)) >= 2, "two runs wrote their line");

        var (exit, table) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status");
        Assert.Equal(0, exit);
        Assert.Matches("tick +0 +(Done|Running|Started) .*(next run in [0-9]+s|-)", table);
        Assert.Equal(0, await krust.TerminateAsync());
    }
}
