using System.Net;
using System.Text;
using Bogus;
using Microsoft.AspNetCore.Http;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Generated junk requests (fixed seed, so every run sends the same ones) against every route: bad input is the
/// client's fault, so the answer is never a 5xx. A failure names the seed and the request.
/// </summary>
public sealed class BadInputFuzzTests : ApiTestBase
{
    private const int FuzzSeed = 20_261_126;
    private const int Requests = 400;

    /// <summary>Every route with its method.</summary>
    private static readonly (string Method, string Path)[] Routes =
    [
        ("POST", "/api/v1/programs/{name}/start"), ("POST", "/api/v1/programs/{name}/stop"),
        ("POST", "/api/v1/programs/{name}/restart"), ("POST", "/api/v1/programs/{name}/scale"),
        ("POST", "/api/v1/programs/{name}/signal"), ("GET", "/api/v1/programs/{name}"),
        ("POST", "/api/v1/programs/{name}/instances/{id}/start"), ("POST", "/api/v1/programs/{name}/instances/{id}/stop"),
        ("POST", "/api/v1/programs/{name}/instances/{id}/restart"), ("DELETE", "/api/v1/programs/{name}/instances/{id}"),
        ("GET", "/api/v1/programs/{name}/logs"), ("GET", "/api/v1/programs"), ("GET", "/api/v1/events"), ("GET", "/ps"),
        ("GET", "/"), ("GET", "/healthz"), ("GET", "/openapi/v1.json"),
    ];

    private static readonly string[] Methods = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"];

    [Fact]
    public async Task Junk_paths_queries_and_bodies_never_get_a_5xx()
    {
        await StartAsync("""
            [web]
            command = "./web"
            instances = 2
            max_instances = 4
            restart_delay_ms = 0
            """);
        var faker = new Faker { Random = new Randomizer(FuzzSeed) };
        var statuses = new SortedDictionary<int, int>();

        for (var n = 0; n < Requests; n++)
        {
            var route = faker.PickRandom(Routes);
            var method = faker.Random.Bool(0.85f) ? route.Method : faker.PickRandom(Methods);
            // (No %00: Kestrel refuses such a path before krust-pm sees it, and the test client throws on it.)
            var path = route.Path.Replace("{name}", Segment(faker, "web"), StringComparison.Ordinal)
                .Replace("{id}", Segment(faker, "0"), StringComparison.Ordinal);
            var query = faker.Random.Bool(0.3f) ? "?" + Query(faker) : string.Empty;
            var body = method is "GET" or "HEAD" || faker.Random.Bool(0.2f) ? null : Body(faker);

            using var request = new HttpRequestMessage(new HttpMethod(method), path + query);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", faker.PickRandom("application/json", "text/plain", "application/x-www-form-urlencoded", "nonsense"));
            }

            // An event stream or a followed log answers with its first event, and there may be none to send.
            var streams = path.EndsWith("/events", StringComparison.Ordinal) || query.Contains("follow=true", StringComparison.Ordinal);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
            limit.CancelAfter(TimeSpan.FromMilliseconds(streams ? 300 : 10_000));
            HttpResponseMessage response;
            try
            {
                response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            }
            catch (OperationCanceledException) when (streams)
            {
                continue;
            }

            if (streams && (int)response.StatusCode == StatusCodes.Status499ClientClosedRequest)
            {
                response.Dispose();
                continue; // the same, seen from the server: this test left before the first event
            }

            using (response)
            {
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                var said = response.StatusCode < HttpStatusCode.InternalServerError ? string.Empty : await response.Content.ReadAsStringAsync(Token);
                Assert.True(
                    response.StatusCode < HttpStatusCode.InternalServerError,
                    $"seed {FuzzSeed}, request {n}: {method} {path}{query} with body {Describe(body)} got {(int)response.StatusCode}: {said}");
            }
        }

        // The junk must reach the handlers' checks, not only the router's 404s.
        var seen = string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"));
        TestContext.Current.SendDiagnosticMessage($"fuzz answers: {seen}");
        Assert.True(statuses.GetValueOrDefault(400) + statuses.GetValueOrDefault(415) > 50, seen);
        Assert.True(statuses.GetValueOrDefault(200) > 20, seen);
        Assert.True(statuses.GetValueOrDefault(404) > 20, seen);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task Deeply_nested_JSON_is_a_400_not_a_stack_overflow(int depth)
    {
        await StartAsync("[web]\ncommand = \"./web\"\n");
        var body = new string('[', depth) + new string(']', depth);

        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/scale", body, HttpStatusCode.BadRequest, "body");
        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/signal", "{\"signal\":" + body + "}", HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task A_body_that_is_not_UTF8_is_a_400()
    {
        await StartAsync("[web]\ncommand = \"./web\"\n");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/programs/web/signal")
        {
            Content = new ByteArrayContent([.. "{\"signal\": \""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]),
        };
        request.Content.Headers.ContentType = new("application/json");

        using var response = await Client.SendAsync(request, Token);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
    }

    /// <summary>A path segment: usually the real one, else junk (encoded, unicode, huge, dots...).</summary>
    private static string Segment(Faker faker, string real) => faker.Random.Int(0, 11) switch
    {
        < 6 => real,
        6 => Uri.EscapeDataString(faker.Random.String2(faker.Random.Int(1, 12), "abc0123456789-_.~ %/\\?#\"'<>{}\u00e9\u4e2d\ud83d\ude00")),
        7 => faker.PickRandom("..", ".", "%01", "%2F", "%2e%2e", "-1", "0x10", "1e3", "99999999999999999999999", "NaN", "%20"),
        8 => new string('a', faker.Random.Int(200, 5000)),
        9 => real.ToUpperInvariant() + faker.Random.AlphaNumeric(2),
        _ => faker.Random.AlphaNumeric(faker.Random.Int(1, 8)),
    };

    private static string Query(Faker faker) => faker.Random.Int(0, 5) switch
    {
        0 => "rolling=" + faker.PickRandom("true", "false", "maybe", "", "%00", "TRUE"),
        1 => "since=" + faker.PickRandom("0", "-1", "abc", "99999999999999999999", "1.5", ""),
        2 => "name=web&to=" + faker.PickRandom("1", "-1", "x", "", "99999999999", "3", "0"),
        3 => "instance=" + faker.Random.AlphaNumeric(3) + "&tail=" + faker.Random.Int(-10, 20000) + "&follow=" + faker.PickRandom("true", "no"),
        4 => "status=" + faker.PickRandom("Running", "x", "", "1"),
        _ => Uri.EscapeDataString(faker.Random.String2(6)) + "=" + Uri.EscapeDataString(faker.Random.String2(6)),
    };

    private static byte[] Body(Faker faker) => faker.Random.Int(0, 9) switch
    {
        0 => faker.Random.Bytes(faker.Random.Int(0, 64)),
        1 => Encoding.UTF8.GetBytes($$"""{"instances": {{faker.PickRandom("0", "2", "4", "5", "-3", "1.5", "\"2\"", "true", "null", "[]", "{}", "1e400", "2147483648")}}}"""),
        2 => Encoding.UTF8.GetBytes($$"""{"signal": {{faker.PickRandom("\"HUP\"", "\"sigusr1\"", "\"KILL\"", "\"TERM\"", "\"\"", "1", "null", "[\"HUP\"]", "{}")}}, "instance": {{faker.PickRandom("0", "1", "7", "-1", "\"0\"", "null", "1.5", "9223372036854775808")}}}"""),
        3 => Encoding.UTF8.GetBytes("""{"instances": 2, "instances": 3, "signal": "HUP", "extra": {"deep": [1, 2, {"x": null}]}}"""),
        4 => Encoding.UTF8.GetBytes(faker.PickRandom("{", "}", "[", "\"", "{\"instances\":", "{'instances': 1}", "instances=2", "null", "true", "{\"signal\":\"HUP\"}garbage")),
        5 => Encoding.UTF8.GetBytes(new string('[', faker.Random.Int(1, 2000))),
        6 => Encoding.UTF8.GetBytes("{\"instances\": " + new string('9', faker.Random.Int(1, 5000)) + "}"),
        7 => Encoding.UTF8.GetBytes("{\"signal\": \"" + new string('A', faker.Random.Int(1, 100_000)) + "\"}"),
        8 => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"instances\": 1}")],
        _ => Encoding.UTF8.GetBytes(faker.Random.String2(faker.Random.Int(0, 200))),
    };

    private static string Describe(byte[]? body) =>
        body is null ? "(none)" : body.Length > 120 ? $"{body.Length} bytes: {Encoding.UTF8.GetString(body[..120])}..." : Encoding.UTF8.GetString(body);
}
