using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The sd_notify contract (<c>Type=notify</c>) with a real Unix datagram socket the test binds, as systemd does for a
/// service (there is no systemd to run krust-pm under on the test machines): <c>READY=1</c> only once the API answers
/// with the programs loaded, <c>STOPPING=1</c> when krust-pm begins to stop, nothing for the programs.
/// </summary>
public sealed class SystemdNotifyEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-notify-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Ready_comes_once_the_api_lists_the_loaded_programs_and_stopping_when_krust_pm_begins_to_stop()
    {
        var path = Path.Combine(_folder, "notify.sock");
        using var systemd = Bind(path);

        await RunAsync(systemd, path);
    }

    [Fact]
    public async Task An_abstract_notify_socket_is_reached_too()
    {
        var name = $"krust-pm-test-notify-{Guid.NewGuid():N}";
        using var systemd = Bind("\0" + name);

        await RunAsync(systemd, "@" + name);
    }

    private async Task RunAsync(Socket systemd, string notifySocket)
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            journal = false
            [web]
            command = "sh -c 'echo ${NOTIFY_SOCKET:-withheld} > seen; exec sleep 300'"
            instances = 2
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notifySocket });

        var ready = await ReceiveAsync(systemd);

        // At READY=1 the API answers at once, with the programs of the file loaded.
        var programs = await krust.Client.GetStringAsync(new Uri("/", UriKind.Relative), Token);
        Assert.Equal("web", JsonDocument.Parse(programs).RootElement[0].GetProperty("name").GetString());
        Assert.Equal(["READY=1", "STATUS=supervising 1 program(s); API on 127.0.0.1:" + krust.Port, "MAINPID=" + krust.Pid], ready.Split('\n'));
        await krust.WaitForAsync(p => p[0].GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running"));
        Assert.Equal("withheld", (await File.ReadAllTextAsync(Path.Combine(_folder, "seen"), Token)).Trim());

        var exit = krust.TerminateAsync();
        Assert.Equal(["STOPPING=1", "STATUS=stopping every program"], (await ReceiveAsync(systemd)).Split('\n'));
        Assert.Equal(0, await exit);
        await krust.AssertNothingLeftAsync();
    }

    private static Socket Bind(string address)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(address));
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
