namespace KrustPm.Host.Tests.EndToEnd;

/// <summary><c>krust-pm status</c> against a running krust-pm, and the exit codes when it cannot answer.</summary>
public sealed class StatusCommandTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-status-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Status_prints_the_running_instances_as_a_table_or_the_API_JSON()
    {
        var config = await WriteAsync("""
            server-port = "127.0.0.1:{port}"
            [sleepy]
            command = "sleep 300"
            instances = 2
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        var programs = await krust.WaitForAsync(p => p[0].GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running"));
        var pid = programs[0].GetProperty("instances")[0].GetProperty("pid").GetInt32();

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status");
        var (jsonExit, json) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "sleepy", "--json");
        var (missingExit, missing) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "nope");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "ID", "STATUS", "PID", "UPTIME", "CPU", "MEM", "TRIES", "LAST", "EXIT"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["sleepy", "0", "Running", $"{pid}"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        Assert.Equal(3, lines.Length);
        Assert.Equal(0, jsonExit);
        Assert.Equal("sleepy", System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Equal(1, missingExit);
        Assert.Contains("krust-pm: There is no program named 'nope'.", missing, StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Status_exits_4_when_an_instance_needs_attention_with_the_table_and_with_json()
    {
        var config = await WriteAsync("""
            server-port = "127.0.0.1:{port}"
            [sleepy]
            command = "sleep 300"

            [broken]
            command = "sh -c 'exit 3'"
            restart = "never"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p.GetArrayLength() == 2 && p[1].GetProperty("instances").EnumerateArray().Any(i => i.GetProperty("status").GetString() == "Failed"));

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status");
        var (jsonExit, _) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "--json");
        var (sleepyExit, _) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "sleepy");

        Assert.Equal(4, exitCode);
        Assert.Matches(@"broken\s+0\s+Failed", output);
        Assert.Equal(4, jsonExit);
        Assert.Equal(0, sleepyExit);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Status_exits_3_naming_the_address_it_tried_when_krust_pm_is_not_running()
    {
        var port = KrustPmProcess.FreePort(); // free a moment ago: nothing answers there
        var config = await WriteAsync($"server-port = \"127.0.0.1:{port}\"\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "-c", config);

        Assert.Equal(3, exitCode);
        Assert.Contains($"cannot reach krust-pm at http://127.0.0.1:{port}/ (server-port of {config})", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_stop_start_restart_signal_and_rm_change_the_running_krust_pm()
    {
        var config = await WriteAsync("""
            server-port = "127.0.0.1:{port}"
            [sleepy]
            command = "sleep 300"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        async Task<string> Run(int expectedExit, params string[] args)
        {
            var (exit, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, args);
            Assert.True(expectedExit == exit, $"krust-pm {string.Join(' ', args)} exited {exit}: {output}");
            return output.Trim();
        }

        Assert.Equal("sleepy: 3 instance(s) (+2 -0)", await Run(0, "scale", "sleepy", "3"));
        Assert.Equal("sleepy.1: stop, 1 instance(s) affected", await Run(0, "stop", "sleepy:1"));
        Assert.Equal("sleepy: start, 1 instance(s) affected", await Run(0, "start", "sleepy"));
        Assert.Equal("sleepy: restart, 3 instance(s) affected", await Run(0, "restart", "sleepy", "--rolling"));
        Assert.Equal("sleepy.0: signal, 1 instance(s) affected", await Run(0, "signal", "sleepy:0", "USR1", "--main"));
        Assert.Contains("Give --group or --main, not both.", await Run(2, "signal", "sleepy", "HUP", "--group", "--main"), StringComparison.Ordinal);
        Assert.Equal("sleepy.2: delete, 1 instance(s) affected", await Run(0, "rm", "sleepy:2"));
        Assert.Contains("is not NAME:ID", await Run(2, "rm", "sleepy"), StringComparison.Ordinal);
        Assert.Contains("There is no program named 'nope'.", await Run(1, "stop", "nope"), StringComparison.Ordinal);
        Assert.Contains("max_instances", await Run(1, "scale", "sleepy", "5000"), StringComparison.Ordinal);
        Assert.Contains("\"instances\": 2", await Run(0, "scale", "sleepy", "2", "--json"), StringComparison.Ordinal);

        var programs = await krust.GetProgramsAsync();
        Assert.Equal([0L, 1L], programs[0].GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_url_that_is_not_http_is_a_usage_error() =>
        Assert.Equal(2, (await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "status", "--url", "ftp://x")).ExitCode);

    private async Task<string> WriteAsync(string toml)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, toml, Token);
        return path;
    }
}
