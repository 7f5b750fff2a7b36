using System.Text;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// A command read whole is applied and logged even when its client does not wait for the answer (a script that
/// closes the connection right after sending, a CLI killed by Ctrl-C): leaving does not undo a request.
/// </summary>
public sealed class ClosedClientTests : ApiTestBase
{
    private const string Web = """
        server-port = "127.0.0.1:{port}"
        [web]
        command = "./web"
        instances = 1
        max_instances = 20
        """;

    [Fact]
    public async Task Every_scale_whose_client_closes_right_after_the_body_is_applied_and_logged()
    {
        await StartAsync(Web, kestrel: true);

        for (var wanted = 2; wanted <= 8; wanted++)
        {
            var body = $"{{\"instances\": {wanted}}}";
            await RawHttp.SendAndCloseAsync(
                Host.Port,
                RawHttp.Request(
                    "POST /api/v1/programs/web/scale HTTP/1.1",
                    [$"Host: 127.0.0.1:{Host.Port}", "Content-Type: application/json", $"Content-Length: {Encoding.UTF8.GetByteCount(body)}"],
                    body),
                Token);

            var count = wanted;
            await EventuallyAsync(
                () => Host.Engine.State.Programs[0].Instances.Length == count,
                () => $"the scale to {count} is applied; krust-pm logged:\n{string.Join("\n", Host.Log.Entries)}");
            await EventuallyAsync(
                () => Host.Log.Entries.Any(e => e.Message.StartsWith($"command: scale web to {count} (API 127.0.0.1", StringComparison.Ordinal)),
                $"the scale to {count} is logged");
        }
    }

    [Theory]
    [InlineData("POST /api/v1/programs/web/stop HTTP/1.1")]
    [InlineData("GET /ps?name=web&to=0 HTTP/1.1")]
    [InlineData("DELETE /api/v1/programs/web/instances/0 HTTP/1.1")]
    public async Task A_command_without_a_body_whose_client_closes_at_once_is_applied(string requestLine)
    {
        await StartAsync(Web, kestrel: true);

        await RawHttp.SendAndCloseAsync(Host.Port, RawHttp.Request(requestLine, [$"Host: 127.0.0.1:{Host.Port}", "Content-Length: 0"]), Token);

        await WaitForAsync(s => s.Programs[0].Instances.All(i => i.Status == InstanceStatus.Stopped));
        await EventuallyAsync(() => Host.Launcher.Signals.Count == 1, "the instance is signalled");
    }
}
