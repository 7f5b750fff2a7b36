using System.Net.Sockets;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>server-port = "unix:PATH"</c> never destroys what is at PATH: only a stale socket (nobody answers on it) is
/// replaced; a live socket, a file that is not a socket and a missing directory are refused with one clear line,
/// before anything starts, and nothing is created.
/// </summary>
public sealed class UnixSocketSafetyTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-unix-safe-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_regular_file_at_the_socket_path_is_left_alone_and_nothing_starts()
    {
        var important = Path.Combine(_folder, "important.txt");
        await File.WriteAllTextAsync(important, "keep me", Token);
        await WriteConfigAsync("unix:important.txt", "touch started");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);
        var (checkExit, check) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{important} exists and is not a socket", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(important, Token));
        Assert.False(File.Exists(Path.Combine(_folder, "started")));
        Assert.Equal(2, checkExit);
        Assert.Contains($"{important} exists and is not a socket", check, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_directory_is_an_error_and_is_not_created()
    {
        var socket = Path.Combine(_folder, "nonexistent", "dir", "s.sock");
        await WriteConfigAsync($"unix:{socket}", "touch started");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"the directory {Path.GetDirectoryName(socket)} does not exist", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "nonexistent")));
        Assert.False(File.Exists(Path.Combine(_folder, "started")));
    }

    [Fact]
    public async Task A_second_krust_pm_on_a_live_socket_is_refused_and_the_first_keeps_serving()
    {
        var socket = Path.Combine(_folder, "krust.sock");
        var config = await WriteConfigAsync("unix:krust.sock", "sleep 300");
        await using var first = KrustPmProcess.Start(krustPm.Executable, config);
        using var client = Client(socket);
        await WaitRunningAsync(client);
        var inode = Inode(socket);

        var secondFolder = Directory.CreateDirectory(Path.Combine(_folder, "second")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secondFolder, "krust-pm.toml"), $"server-port = \"unix:{socket}\"\n[web]\ncommand = \"touch started\"\n", Token);
        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, secondFolder);
        var (checkExit, check) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, secondFolder, "check");

        Assert.Equal(1, exitCode);
        Assert.Contains($"cannot listen on unix:{socket}", output, StringComparison.Ordinal);
        Assert.Contains("a server answers on this socket (another krust-pm?)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(secondFolder, "started")));
        Assert.Equal(inode, Inode(socket));
        Assert.Equal("Running", await StatusAsync(client));
        Assert.Equal(0, checkExit);
        Assert.Contains("warning: key 'server-port'", check, StringComparison.Ordinal);
        Assert.Equal(0, await first.TerminateAsync());
    }

    [Fact]
    public async Task A_stale_socket_left_by_a_killed_krust_pm_is_replaced()
    {
        var socket = Path.Combine(_folder, "krust.sock");
        var config = await WriteConfigAsync("unix:krust.sock", "sleep 300");
        await using (var killed = KrustPmProcess.Start(krustPm.Executable, config))
        {
            using var client = Client(socket);
            await WaitRunningAsync(client);
            Assert.Equal(137, await killed.TerminateAsync(9));
        }

        Assert.True(File.Exists(socket), "a krust-pm killed with SIGKILL leaves its socket file");
        await using var next = KrustPmProcess.Start(krustPm.Executable, config);
        using var nextClient = Client(socket);

        await WaitRunningAsync(nextClient);
        Assert.Equal(0, await next.TerminateAsync());
    }

    private async Task<string> WriteConfigAsync(string serverPort, string command)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, $"server-port = \"{serverPort}\"\n[web]\ncommand = \"{command}\"\n", Token);
        return path;
    }

    private static HttpClient Client(string socket) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancel) =>
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
            return new NetworkStream(unix, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://krust-pm"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The status of the one instance; <see langword="null"/> before the programs are loaded (GET / is [] until then).</summary>
    private static async Task<string?> StatusAsync(HttpClient client)
    {
        var programs = JsonDocument.Parse(await client.GetStringAsync("/", Token)).RootElement;
        return programs.EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } program
            && program.GetProperty("instances").EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } instance
            ? instance.GetProperty("status").GetString()
            : null;
    }

    private static async Task WaitRunningAsync(HttpClient client)
    {
        var running = await ProcFs.WaitUntilAsync(
            () =>
            {
                try
                {
                    return StatusAsync(client).GetAwaiter().GetResult() == "Running";
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(20));
        Assert.True(running, "krust-pm did not serve a running instance on its socket");
    }

    /// <summary>The file's inode number (<c>stat -c %i</c>): a socket bound anew is a new inode.</summary>
    private static string Inode(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var inode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return inode;
    }
}
