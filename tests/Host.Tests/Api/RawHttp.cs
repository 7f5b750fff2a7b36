using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// HTTP/1.1 written by hand on a TCP socket, as curl or an attacker would send it: any Host, broken framing, a body
/// that never comes, a client that closes at once. Answers are read to the end of the connection (requests say
/// <c>Connection: close</c>), bounded in time.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>An answer: status, headers (names in lower case) and body, de-chunked.</summary>
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

        /// <summary>The problem+json body, checked to be one with this answer's status.</summary>
        public JsonElement Problem()
        {
            Assert.True(Header("content-type")?.StartsWith("application/problem+json", StringComparison.Ordinal), $"not problem+json: {this}");
            var problem = JsonDocument.Parse(Body).RootElement.Clone();
            Assert.Equal(Status, problem.GetProperty("status").GetInt32());
            return problem;
        }

        public override string ToString() => $"{Status} {string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n{Body}";
    }

    /// <summary>A request with the given head lines (the request line first; <c>Connection: close</c> is added) and body.</summary>
    public static string Request(string requestLine, IEnumerable<string> headers, string body = "") =>
        $"{requestLine}\r\n{string.Join(string.Empty, headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n{body}";

    /// <summary>Sends the bytes as they are and reads the whole answer.</summary>
    public static async Task<Answer> SendAsync(int port, string request, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken);
        return await ReadAnswerAsync(stream, cancellationToken);
    }

    /// <summary>Sends the bytes, then closes the connection at once without reading anything.</summary>
    public static async Task SendAndCloseAsync(int port, string request, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(port, cancellationToken);
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken);
        client.Client.Shutdown(SocketShutdown.Send);
        client.Close();
    }

    public static async Task<TcpClient> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        return client;
    }

    /// <summary>Reads an answer to the end of the connection and parses it.</summary>
    public static async Task<Answer> ReadAnswerAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, limit.Token);
        return Parse(all.ToArray());
    }

    private static Answer Parse(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete answer: '{text}'");
        var head = text[..end].Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Answer(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..lineEnd].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }

            // Sizes count bytes; the test bodies are ASCII, so characters are bytes.
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return body.ToString();
    }
}
