using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KrustPm.Engine.Health;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Health;

/// <summary>HTTP probes against a real server (python3's http.server on a free loopback port, one for the class).</summary>
public sealed class HttpProbeTests(HttpProbeTests.Server server) : IClassFixture<HttpProbeTests.Server>
{
    [Fact]
    public async Task A_2xx_answer_passes()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(Http($"http://127.0.0.1:{server.Port}/health"));

        Assert.True(outcome.Passed, outcome.Detail);
        Assert.Equal("HTTP 200", outcome.Detail);
    }

    [Fact]
    public async Task A_404_fails_with_its_status()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(Http($"http://127.0.0.1:{server.Port}/missing"));

        Assert.False(outcome.Passed);
        Assert.Equal("HTTP 404", outcome.Detail);
    }

    [Fact]
    public async Task A_closed_port_is_connection_refused()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(Http($"http://127.0.0.1:{ProbeHarness.ClosedPort()}/health"));

        Assert.False(outcome.Passed);
        Assert.Equal("connection refused", outcome.Detail);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // connections are accepted by the kernel and never answered
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var (outcome, elapsed) = await ProbeHarness.RunAsync(Http($"http://127.0.0.1:{port}/") with { Timeout = TimeSpan.FromMilliseconds(200) });

        Assert.False(outcome.Passed);
        Assert.Equal("timed out after 200 ms", outcome.Detail);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(150), $"reported after {elapsed.TotalMilliseconds} ms"); // timers may fire a little early, never much
    }

    /// <summary>A probe of <paramref name="url"/> whose timeout a loaded machine does not reach: these tests are about answers, not time.</summary>
    private static ProbeSpec Http(string url) => new() { Http = url, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary><c>python3 -m http.server</c> serving a folder with one file, <c>health</c>; killed at the end.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("krust-http-").FullName;
        private Process? _process;

        public int Port { get; } = ProbeHarness.ClosedPort();

        public async ValueTask InitializeAsync()
        {
            await File.WriteAllTextAsync(Path.Combine(_folder, "health"), "ok\n");
            var info = new ProcessStartInfo("python3") { WorkingDirectory = _folder, RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-m", "http.server", $"{Port}", "--bind", "127.0.0.1" })
            {
                info.ArgumentList.Add(argument);
            }

            _process = Process.Start(info)!;
            _process.StandardInput.Close();
            _ = _process.StandardOutput.ReadToEndAsync();
            _ = _process.StandardError.ReadToEndAsync();

            await Eventually.Value<bool, SocketException>(
                async () =>
                {
                    Assert.False(_process.HasExited, "python3 -m http.server exited");
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, Port);
                    return true;
                },
                connected => connected,
                $"python3 -m http.server listens on port {Port}");
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is { } process)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                process.Dispose();
            }

            Directory.Delete(_folder, recursive: true);
        }
    }
}
