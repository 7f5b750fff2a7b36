using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>exit_when</c> with real processes: krust-pm stops by itself (every program stopped in order, nothing left) and
/// exits with a code that says what happened, also as PID 1 of a pid namespace (<c>unshare</c>, as a container runs it).
/// </summary>
public sealed class ExitWhenEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly string[] Unshare = ["/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "--kill-child"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-exit-when-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Any_failed_stops_everything_once_a_job_fails_and_exits_with_its_code()
    {
        var config = await WriteConfigAsync("any-failed", """
            [svc]
            command = "sleep 600"

            [job] # fails once svc runs, so the test sees svc's process first
            command = "sh -c 'sleep 0.5; exit 3'"
            restart = "never"
            depends_on = { svc = "started" }
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => Status(p, "svc") == "Running", Bound);

        Assert.Equal(3, await krust.WaitForExitAsync(Bound));

        Assert.Contains("exit_when = \"any-failed\" holds: job.0 failed (exit code 3); stopping krust-pm, then exiting with code 3", krust.Stderr, StringComparison.Ordinal);
        Assert.Contains("svc.0 killed by signal 15", krust.Stderr, StringComparison.Ordinal);
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task All_done_waits_for_every_job_and_exits_0_when_all_succeeded()
    {
        var config = await WriteConfigAsync("all-done", """
            [first]
            command = "sh -c 'sleep 0.3'"
            restart = "never"

            [second]
            command = "sh -c 'sleep 0.6; echo second > second.done'"
            restart = "never"
            depends_on = { first = "completed_successfully" }
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);

        Assert.Equal(0, await krust.WaitForExitAsync(Bound));

        Assert.True(File.Exists(Path.Combine(_folder, "second.done")), krust.Output);
        Assert.Contains("exit_when = \"all-done\" holds: every instance has ended, none failed", krust.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_PID_1_the_init_exits_with_krust_pms_exit_when_code()
    {
        Assert.SkipUnless(Environment.UserName == "root", "making a pid namespace needs root");
        Assert.SkipUnless(File.Exists(Unshare[0]), "no /usr/bin/unshare (util-linux)");
        var config = await WriteConfigAsync("all-done", """
            [ok]
            command = "true"
            restart = "never"

            [bad]
            command = "sh -c 'sleep 0.3; exit 4'"
            restart = "never"
            """);
        await using var krust = KrustPmProcess.StartUnder(Unshare, krustPm.Executable, config, new Dictionary<string, string?>());

        Assert.Equal(4, await krust.WaitForExitAsync(Bound));

        Assert.Contains("every instance has ended; bad.0 failed (exit code 4)", krust.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> WriteConfigAsync(string rule, string programs)
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(
            config, $"server-port = \"127.0.0.1:{{port}}\"\nexit_when = \"{rule}\"\n\n{programs}", TestContext.Current.CancellationToken);
        return config;
    }

    private static string? Status(JsonElement programs, string name) =>
        programs.EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("instances")[0].GetProperty("status").GetString();
}
