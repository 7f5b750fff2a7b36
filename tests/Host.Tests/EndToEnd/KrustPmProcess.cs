using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// A real krust-pm process on a config of the test's, with a free loopback port. Disposing it makes sure that
/// neither krust-pm nor anything it started is left running.
/// </summary>
internal sealed partial class KrustPmProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly HashSet<int> _seenPids = [];

    private KrustPmProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
        process.OutputDataReceived += (_, e) => Append(e.Data, _stdout);
        process.ErrorDataReceived += (_, e) => Append(e.Data, _stderr);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public HttpClient Client { get; }

    /// <summary>Everything krust-pm wrote so far, stdout and stderr interleaved.</summary>
    public string Output => Read(_output);

    /// <summary>What krust-pm wrote on stdout (programs' output in attach mode).</summary>
    public string Stdout => Read(_stdout);

    /// <summary>What krust-pm wrote on stderr (its own log).</summary>
    public string Stderr => Read(_stderr);

    /// <summary>Starts krust-pm with <c>--config</c> on a file whose <c>{port}</c> placeholder is a free port.</summary>
    public static KrustPmProcess Start(string executable, string configPath, params string[] extraArgs) =>
        Start(executable, configPath, new Dictionary<string, string?>(), extraArgs);

    /// <summary>
    /// Starts krust-pm as <see cref="Start(string, string, string[])"/> does, with environment variables set (or, for a
    /// <see langword="null"/> value, removed).
    /// </summary>
    public static KrustPmProcess Start(string executable, string configPath, IReadOnlyDictionary<string, string?> environment, params string[] extraArgs) =>
        StartUnder([], executable, configPath, environment, extraArgs);

    /// <summary>
    /// Starts krust-pm as <see cref="Start(string, string, string[])"/> does, through a launcher command (e.g.
    /// <c>unshare --pid --fork</c>): the process this object watches is then the launcher's.
    /// </summary>
    public static KrustPmProcess StartUnder(
        string[] launcher, string executable, string configPath, IReadOnlyDictionary<string, string?> environment, params string[] extraArgs) =>
        Launch(launcher, executable, configPath, environment, FreePort(), extraArgs);

    /// <summary>
    /// Starts krust-pm again on a config file an earlier <see cref="Start(string, string, string[])"/> already gave its
    /// port (a restart on the same address, as clients that reconnect expect).
    /// </summary>
    public static KrustPmProcess Restart(string executable, string configPath, int port) =>
        Launch([], executable, configPath, new Dictionary<string, string?>(), port, []);

    private static KrustPmProcess Launch(
        string[] launcher, string executable, string configPath, IReadOnlyDictionary<string, string?> environment, int port, string[] extraArgs)
    {
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var info = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        foreach (var arg in launcher.Length > 0 ? [.. launcher[1..], executable] : Array.Empty<string>())
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }

        SetEnvironment(info, environment);
        return new KrustPmProcess(Process.Start(info)!, port);
    }

    public static Task<(int ExitCode, string Output)> RunToExitAsync(string executable, string workingDirectory, params string[] args) =>
        RunToExitAsync(executable, workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>Runs krust-pm to its exit (bounded) with environment variables set (or, for a <see langword="null"/> value, removed).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string executable, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        SetEnvironment(info, environment);

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // It should have exited by itself: leave nothing running, and say what it wrote.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"krust-pm did not exit within 30 s:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>Polls <c>GET /</c> until the programs satisfy a condition (bounded; see <see cref="Eventually"/>).</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition, TimeSpan? timeout = null)
    {
        try
        {
            // HttpRequestException: not listening yet.
            return await Eventually.Value<JsonElement, HttpRequestException>(
                () =>
                {
                    Assert.False(_process.HasExited, $"krust-pm exited early ({SafeExitCode()}):\n{Output}");
                    return GetProgramsAsync();
                },
                // Before the programs are loaded (restored from the journal, or read from the config) GET / is [],
                // which a condition cannot judge: one about "every instance of X" would hold at once.
                programs =>
                {
                    try
                    {
                        return programs.GetArrayLength() > 0 && condition(programs);
                    }
                    catch (Exception error) when (error is IndexOutOfRangeException or KeyNotFoundException or InvalidOperationException)
                    {
                        return false;
                    }
                },
                "krust-pm's state (GET /) satisfies the condition",
                timeout);
        }
        catch (Xunit.Sdk.XunitException timedOut) when (!_process.HasExited)
        {
            throw new Xunit.Sdk.XunitException($"{timedOut.Message}\nkrust-pm output:\n{Output}");
        }
    }

    /// <summary><c>GET /</c>; remembers every pid it shows, for <see cref="AssertNothingLeftAsync"/>.</summary>
    public async Task<JsonElement> GetProgramsAsync()
    {
        var programs = JsonDocument.Parse(await Client.GetStringAsync("/", TestContext.Current.CancellationToken)).RootElement.Clone();
        foreach (var instance in programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray()))
        {
            if (instance.TryGetProperty("pid", out var pid))
            {
                _seenPids.Add(pid.GetInt32());
            }
        }

        return programs;
    }

    /// <summary>
    /// Asserts that no process is left of any instance this test saw (each instance leads its own session, so a
    /// session with members left means a leftover child or grandchild).
    /// </summary>
    public async Task AssertNothingLeftAsync()
    {
        Assert.NotEmpty(_seenPids);
        foreach (var pid in _seenPids)
        {
            Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
        }
    }

    /// <summary>Sends krust-pm a signal, and returns at once.</summary>
    public void Send(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    /// <summary>Whether krust-pm has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGTERM (or another signal) and waits (bounded) for krust-pm to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(int signal = 15, TimeSpan? timeout = null)
    {
        Assert.Equal(0, Kill(_process.Id, signal));
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits (bounded) for krust-pm to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        var children = ProcFs.ChildrenOf(_process.Id).Select(c => c.Pid).Concat(_seenPids).ToList();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        // Whatever happened in the test, leave nothing behind (and say so if something was left).
        foreach (var child in children.Where(ProcFs.IsAlive))
        {
            Kill(-child, 9);
            Kill(child, 9);
        }

        Client.Dispose();
        _process.Dispose();
    }

    private static void SetEnvironment(ProcessStartInfo info, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string SafeExitCode() => _process.HasExited ? $"exit code {_process.ExitCode}" : "running";

    private void Append(string? line, StringBuilder stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            stream.Append(line).Append('\n');
        }
    }

    private string Read(StringBuilder text)
    {
        lock (_output)
        {
            return text.ToString();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
