using System.Diagnostics;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The real Debian <c>logrotate</c> rotating the files of the real krust-pm while a program writes a line every
/// 20 ms: with <c>copytruncate</c>, and with <c>create</c> followed by SIGUSR1, by the API, or by nothing at all.
/// </summary>
public sealed class LogRotateEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const string LogRotate = "/usr/sbin/logrotate";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-logrotate-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string _log = string.Empty;

    /// <summary>The file being rotated: the default log file, unless a test gives the program a path of its own.</summary>
    private string Log => _log.Length > 0 ? _log : Path.Combine(_folder, "logs", "ticker.0.stdout.log");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_copytruncate_new_lines_land_at_the_start_of_the_truncated_file_with_no_NUL_byte()
    {
        await using var krust = await StartTickerAsync();

        await RotateAsync("copytruncate");

        // Lines written after the truncation start the file again: not after a hole of NUL bytes.
        Assert.True(await ProcFs.WaitUntilAsync(() => Lines(Log).Count >= 3, Bound), Describe(Log));
        var bytes = await File.ReadAllBytesAsync(Log, Token);
        Assert.DoesNotContain((byte)0, bytes);
        Assert.StartsWith("tick ", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain((byte)0, await File.ReadAllBytesAsync(Log + ".1", Token));
        Assert.Contains(Lines(Log + ".1"), line => line.StartsWith("--- krust-pm: ticker.0 try 1 started", StringComparison.Ordinal));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task After_create_and_a_postrotate_SIGUSR1_new_lines_go_to_the_new_file_and_logs_reads_it()
    {
        await using var krust = await StartTickerAsync();

        await RotateAsync("create", $"postrotate\n    kill -USR1 {krust.Pid}\n  endscript");

        await ExpectNewLinesInTheNewFileAsync(krust);
        Assert.Contains("asked by SIGUSR1", krust.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task After_create_POST_logs_reopen_moves_writing_to_the_new_file()
    {
        await using var krust = await StartTickerAsync();

        await RotateAsync("create");
        using (var reopen = await krust.Client.PostAsync("/api/v1/logs/reopen", null, Token))
        {
            Assert.True(reopen.IsSuccessStatusCode, await reopen.Content.ReadAsStringAsync(Token));
            Assert.Contains("\"reopened\": 2", await reopen.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        }

        await ExpectNewLinesInTheNewFileAsync(krust);
        Assert.Contains("asked by the API", krust.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task After_create_with_nothing_told_krust_pm_notices_the_rename_by_itself()
    {
        await using var krust = await StartTickerAsync();

        await RotateAsync("create");

        await ExpectNewLinesInTheNewFileAsync(krust);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_program_with_its_own_stdout_log_path_and_merged_stderr_rotates_the_same_way()
    {
        _log = Path.Combine(_folder, "custom", "ticker-0.out");
        await using var krust = await StartTickerAsync("""
            stdout_log = "custom/{program}-{id}.out"
            merge_stderr = true
            """);

        await RotateAsync("create");

        await ExpectNewLinesInTheNewFileAsync(krust);
        Assert.False(Directory.Exists(Path.Combine(_folder, "logs")) && Directory.EnumerateFiles(Path.Combine(_folder, "logs"), "ticker*").Any());
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private async Task<KrustPmProcess> StartTickerAsync(string keys = "")
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, $$""""
            server-port = "127.0.0.1:{port}"
            [ticker]
            command = "sh -c 'i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.02; done'"
            {{keys}}
            """", Token);
        var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        Assert.True(await ProcFs.WaitUntilAsync(() => Lines(Log).Count >= 5, Bound), Describe(Log));
        return krust;
    }

    /// <summary>Runs logrotate once, forced, on the program's log files, with the given directives.</summary>
    private async Task RotateAsync(params string[] directives)
    {
        var conf = Path.Combine(_folder, "logrotate.conf");
        await File.WriteAllTextAsync(conf, $"{(_log.Length > 0 ? _log : Path.Combine(_folder, "logs") + "/*.log")} {{\n  rotate 3\n  missingok\n  {string.Join("\n  ", directives)}\n}}\n", Token);
        var info = new ProcessStartInfo(LogRotate)
        {
            ArgumentList = { "--force", "--state", Path.Combine(_folder, "logrotate.state"), conf },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var errors = process.StandardError.ReadToEndAsync(Token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(Bound);
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"logrotate exited {process.ExitCode}: {await output}{await errors}");
        Assert.True(File.Exists(Log + ".1"), "logrotate did not rotate " + Log);
    }

    /// <summary>The renamed file stops growing, the new one gets the new lines, and <c>krust-pm logs</c> shows them.</summary>
    private async Task ExpectNewLinesInTheNewFileAsync(KrustPmProcess krust)
    {
        Assert.True(await ProcFs.WaitUntilAsync(() => Lines(Log).Count >= 3, Bound), Describe(Log));
        var rotated = new FileInfo(Log + ".1").Length;
        var grown = Lines(Log).Count;
        Assert.True(await ProcFs.WaitUntilAsync(() => Lines(Log).Count >= grown + 3, Bound), Describe(Log));
        Assert.Equal(rotated, new FileInfo(Log + ".1").Length);

        var newest = Lines(Log)[^1];
        var (exit, output) = await KrustPmProcess.RunToExitAsync(
            krustPm.Executable, _folder, "logs", "ticker", "-n", "3", "--url", $"http://127.0.0.1:{krust.Port}");
        Assert.Equal(0, exit);
        var shown = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, shown.Length);
        Assert.All(shown, line => Assert.StartsWith("tick ", line, StringComparison.Ordinal));
        Assert.True(TickNumber(shown[^1]) >= TickNumber(newest), $"krust-pm logs showed {shown[^1]}, the file already had {newest}");
    }

    private static int TickNumber(string line) => int.Parse(line["tick ".Length..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The whole lines of a file (none when it does not exist).</summary>
    private static List<string> Lines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var text = File.ReadAllText(path);
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : [.. text[..end].Split('\n')];
    }

    private static string Describe(string path) => File.Exists(path) ? $"{path}: {string.Join(" | ", Lines(path).TakeLast(5))}" : $"{path}: missing";
}
