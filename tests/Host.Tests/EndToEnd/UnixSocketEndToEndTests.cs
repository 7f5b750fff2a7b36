using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary><c>server-port = "unix:PATH"</c>: the API on a Unix socket only its owner can use.</summary>
public sealed class UnixSocketEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-unix-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_API_is_served_on_a_unix_socket_with_mode_0600_and_the_CLI_reaches_it_by_a_unix_url()
    {
        var token = TestContext.Current.CancellationToken;
        var socket = Path.Combine(_folder, "run", "krust.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!); // krust-pm never creates it
        await File.WriteAllTextAsync(Path.Combine(_folder, "krust-pm.toml"), """
            server-port = "unix:run/krust.sock"
            [sleepy]
            command = "sleep 300"
            """, token);
        using var krust = Process.Start(new ProcessStartInfo(krustPm.Executable)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancel) =>
                {
                    var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
                    return new NetworkStream(unix, ownsSocket: true);
                },
            }) { BaseAddress = new Uri("http://krust-pm") };

            // HttpRequestException: not listening yet. Programs are loaded once krust-pm listens: until then, GET / is [].
            await Eventually.Value<JsonElement, HttpRequestException>(
                async () => JsonDocument.Parse(await client.GetStringAsync("/", token)).RootElement.Clone(),
                programs => programs.EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } program
                    && program.GetProperty("instances").EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } instance
                    && instance.GetProperty("status").GetString() == "Running",
                "the instance is Running, seen through the Unix socket");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

            // The CLI reaches it from anywhere with the config's own form of the address, in --url or KRUST_PM_URL.
            var elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;
            var byOption = await KrustPmProcess.RunToExitAsync(krustPm.Executable, elsewhere, "status", "--url", $"unix:{socket}");
            var byVariable = await KrustPmProcess.RunToExitAsync(
                krustPm.Executable, elsewhere, new Dictionary<string, string?> { ["KRUST_PM_URL"] = $"unix:{socket}" }, "status");
            Assert.All([byOption, byVariable], status =>
            {
                Assert.Equal(0, status.ExitCode);
                Assert.Matches(@"sleepy\s+0\s+Running", status.Output);
            });
        }
        finally
        {
            krust.Kill(entireProcessTree: true);
            await krust.WaitForExitAsync(token);
        }
    }
}
