using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// A stop asked for while krust-pm starts is a clean stop (exit 0, one line at most, nothing left running), and an
/// address already in use is one clear line, not a stack trace.
/// </summary>
public sealed partial class StartupStopTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Rounds = 6;

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-startup-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_busy_port_is_one_clear_line_and_starts_nothing()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, $"server-port = \"127.0.0.1:{port}\"\n[web]\ncommand = \"touch started\"\n", Token);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"krust-pm: cannot listen on 127.0.0.1:{port} (server-port in {path}): address already in use; nothing was started.",
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => !line.Contains(" engine: ", StringComparison.Ordinal)));
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "started")));
    }

    /// <summary>
    /// SIGTERM at the moments krust-pm can first be seen to be up: its API port accepts connections, and it says it
    /// listens. Each round must end with exit 0, no stack trace, and no process of its programs left.
    /// </summary>
    [Fact]
    public async Task SIGTERM_as_soon_as_krust_pm_is_up_is_a_clean_stop_every_time()
    {
        var pids = Path.Combine(_folder, "pids");
        for (var round = 0; round < Rounds; round++)
        {
            var port = KrustPmProcess.FreePort();
            var path = Path.Combine(_folder, "krust-pm.toml");
            await File.WriteAllTextAsync(path, $"""
                server-port = "127.0.0.1:{port}"
                [sleepy]
                command = "sh -c 'echo $$ >> {pids}; exec sleep 300'"
                instances = 2
                """, Token);

            using var krust = Start(path, out var output);
            try
            {
                if (round % 2 == 0)
                {
                    await WaitAsync(() => Accepts(port), krust, output, "the API port to accept a connection");
                }
                else
                {
                    await WaitAsync(() => Read(output).Contains("listening on ", StringComparison.Ordinal), krust, output, "'listening on'");
                }

                Assert.Equal(0, Kill(krust.Id, 15));
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await krust.WaitForExitAsync(limit.Token);
            }
            finally
            {
                if (!krust.HasExited)
                {
                    krust.Kill(entireProcessTree: true);
                    await krust.WaitForExitAsync(CancellationToken.None);
                }
            }

            var text = Read(output);
            Assert.True(krust.ExitCode == 0, $"round {round}: exit code {krust.ExitCode}:\n{text}");
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        }

        var started = File.Exists(pids) ? File.ReadAllLines(pids).Select(int.Parse).ToList() : [];
        foreach (var pid in started)
        {
            Assert.True(await ProcFs.WaitUntilAsync(() => !ProcFs.IsAlive(pid), TimeSpan.FromSeconds(5)), $"pid {pid} is still running");
        }
    }

    private Process Start(string path, out StringBuilder output)
    {
        var info = new ProcessStartInfo(krustPm.Executable)
        {
            ArgumentList = { "--config", path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        var process = Process.Start(info)!;
        var lines = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Append(lines, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    private static async Task WaitAsync(Func<bool> condition, Process krust, StringBuilder output, string what)
    {
        var ok = await ProcFs.WaitUntilAsync(() => krust.HasExited || condition(), TimeSpan.FromSeconds(20));
        if (!ok || krust.HasExited)
        {
            if (!krust.HasExited)
            {
                krust.Kill(entireProcessTree: true);
            }

            Assert.Fail($"krust-pm did not get to {what}:\n{Read(output)}");
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
