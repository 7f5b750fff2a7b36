using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>Output capture through the published binary: files, follow over SSE, attach, krust-pm's own log.</summary>
public sealed class LogsEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-logs-e2e-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Follow_streams_lines_written_after_the_request_began_and_stdout_and_stderr_stay_apart()
    {
        var config = await WriteConfigAsync("""
            [talker]
            command = "sh -c 'echo one; echo problem >&2; while [ ! -f go ]; do sleep 0.02; done; echo two; exec sleep 300'"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        var stdout = Path.Combine(_folder, "logs", "talker.0.stdout.log");
        Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(stdout) && File.ReadAllText(stdout).Contains("one\n", StringComparison.Ordinal), Bound));

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(Bound);
        using var response = await krust.Client.GetAsync("/api/v1/programs/talker/logs?follow=true&tail=1", HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
        Assert.Equal("one", await NextDataAsync(events, limit.Token)); // the tail
        await File.WriteAllTextAsync(Path.Combine(_folder, "go"), string.Empty, Token);
        Assert.Equal("two", await NextDataAsync(events, limit.Token)); // written after the request began

        var stderr = await File.ReadAllTextAsync(Path.Combine(_folder, "logs", "talker.0.stderr.log"), Token);
        Assert.EndsWith("problem\n", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("problem", await File.ReadAllTextAsync(stdout, Token), StringComparison.Ordinal);

        // An open follow does not hold up shutdown.
        Assert.Equal(0, await krust.TerminateAsync(timeout: TimeSpan.FromSeconds(8)));
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Attach_prints_every_line_prefixed_and_the_own_log_can_be_JSON()
    {
        var config = await WriteConfigAsync("""
            [hello]
            command = "sh -c 'echo hi there; echo oops >&2; exec sleep 300'"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config, "--attach", "--log-format", "json");
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        Assert.True(await ProcFs.WaitUntilAsync(() => krust.Stdout.Contains("hello.0 | oops", StringComparison.Ordinal), Bound), krust.Output);
        Assert.Contains("hello.0 | hi there\n", krust.Stdout, StringComparison.Ordinal); // no colour: stdout is not a terminal
        Assert.DoesNotContain("\u001b[", krust.Stdout, StringComparison.Ordinal);

        // krust-pm's own log is written by the console logger's queue: the line may follow the API's state a little.
        Assert.True(await ProcFs.WaitUntilAsync(() => krust.Stderr.Contains("started, pid", StringComparison.Ordinal), Bound), krust.Output);
        var started = krust.Stderr.Split('\n').Where(l => l.Contains("started, pid", StringComparison.Ordinal)).ToList();
        var entry = JsonDocument.Parse(Assert.Single(started)).RootElement;
        Assert.Equal("INFO", entry.GetProperty("level").GetString());
        Assert.StartsWith("hello.0 started, pid ", entry.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
    }

    [Fact]
    public async Task A_log_dir_that_cannot_be_created_exits_2_and_starts_nothing()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "afile"), string.Empty, Token);
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            log_dir = "afile/logs"
            [marker]
            command = "touch started-anyway"
            """, Token);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "-c", config);

        Assert.Equal(2, exitCode);
        Assert.Contains($"krust-pm: {config}: log_dir {Path.Combine(_folder, "afile", "logs")} cannot be created: {Path.Combine(_folder, "afile")} is not a directory; nothing was started.", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "started-anyway")));
    }

    /// <summary>Reads Server-Sent Events up to the next <c>data:</c> line and returns its text.</summary>
    private static async Task<string> NextDataAsync(StreamReader events, CancellationToken cancellationToken)
    {
        while (await events.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }

        throw new EndOfStreamException("the event stream ended");
    }

    private async Task<string> WriteConfigAsync(string programs)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, "server-port = \"127.0.0.1:{port}\"\n" + programs, Token);
        return path;
    }
}
