using System.Text.Json;

namespace KrustPm.Host.Tests.Api.OpenApi;

/// <summary>
/// What the OpenAPI document must say for a client generated from it to work: typed answers and bodies, the problems,
/// headers and streams krust-pm really sends, security and servers. Read from the committed file, which
/// <see cref="OpenApiDocumentTests"/> keeps equal to what krust-pm serves.
/// </summary>
public sealed class OpenApiContractTests
{
    private static readonly JsonElement Document = JsonDocument.Parse(File.ReadAllText(OpenApiDocumentTests.CommittedPath)).RootElement;

    private static JsonElement Operation(string path, string method) => Document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static JsonElement Parameter(JsonElement operation, string name) =>
        operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    [Fact]
    public void Every_operation_answers_a_typed_success()
    {
        foreach (var path in Document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var success = operation.Value.GetProperty("responses").EnumerateObject().First(r => r.Name.StartsWith('2'));
                Assert.True(success.Value.TryGetProperty("content", out var content) && content.EnumerateObject().All(c => c.Value.TryGetProperty("schema", out _)),
                    $"{operation.Name} {path.Name} answers {success.Name} with no schema");
            }
        }
    }

    [Theory]
    [InlineData("/api/v1/programs/{name}/scale", "ScaleRequest")]
    [InlineData("/api/v1/programs/{name}/signal", "SignalRequest")]
    public void The_commands_with_a_body_declare_it(string path, string schema)
    {
        var body = Operation(path, "post").GetProperty("requestBody");

        Assert.True(body.GetProperty("required").GetBoolean());
        Assert.Equal($"#/components/schemas/{schema}", body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    [Fact]
    public void An_instance_id_is_an_integer_and_ps_needs_name_and_to()
    {
        Assert.Equal("integer", Parameter(Operation("/api/v1/programs/{name}/instances/{id}/restart", "post"), "id").GetProperty("schema").GetProperty("type").GetString());
        Assert.True(Parameter(Operation("/ps", "get"), "name").GetProperty("required").GetBoolean());
        Assert.True(Parameter(Operation("/ps", "get"), "to").GetProperty("required").GetBoolean());
    }

    [Theory]
    [InlineData("Unauthorized", "WWW-Authenticate")]
    [InlineData("Busy", "Retry-After")]
    [InlineData("MethodNotAllowed", "Allow")]
    public void The_shared_problem_answers_carry_their_header(string response, string header)
    {
        var answer = Document.GetProperty("components").GetProperty("responses").GetProperty(response);

        Assert.True(answer.GetProperty("headers").TryGetProperty(header, out _));
        Assert.True(answer.GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public void Streams_are_event_streams_and_events_resume_with_last_event_id()
    {
        foreach (var path in new[] { "/api/v1/events", "/api/v1/logs", "/api/v1/programs/{name}/logs" })
        {
            Assert.True(Operation(path, "get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _), path);
        }

        Assert.Equal("header", Parameter(Operation("/api/v1/events", "get"), "Last-Event-ID").GetProperty("in").GetString());
    }

    [Fact]
    public void A_token_is_needed_everywhere_but_healthz_and_the_document_names_its_server_and_licence()
    {
        Assert.True(Document.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.Equal(0, Operation("/healthz", "get").GetProperty("security").GetArrayLength());
        Assert.False(Operation("/healthz", "get").GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(Operation("/api/v1/programs", "get").GetProperty("responses").TryGetProperty("401", out _));
        Assert.StartsWith("http://", Document.GetProperty("servers")[0].GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("MIT", Document.GetProperty("info").GetProperty("license").GetProperty("identifier").GetString());
    }

    [Fact]
    public void Head_is_not_listed_as_an_operation_of_its_own()
    {
        Assert.DoesNotContain(Document.GetProperty("paths").EnumerateObject(), path => path.Value.TryGetProperty("head", out _));
    }
}
