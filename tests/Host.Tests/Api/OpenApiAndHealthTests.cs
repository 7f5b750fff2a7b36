using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KrustPm.Host.Tests.Api;

/// <summary><c>GET /openapi/v1.json</c> documents every route the app maps; <c>GET /healthz</c> says krust-pm is up.</summary>
public sealed class OpenApiAndHealthTests : ApiTestBase
{
    /// <summary>The document's own route: the only one it need not list.</summary>
    private const string DocumentRoute = "/openapi/v1.json";

    [Fact]
    public async Task The_document_lists_exactly_the_routes_the_app_maps()
    {
        await StartAsync();

        var document = await GetJsonAsync("/openapi/v1.json");

        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Name != "parameters").Select(o => $"{o.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(MappedRoutes().Select(r => $"{r.Method} {r.Path}").Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public async Task The_mapped_routes_include_every_v1_endpoint()
    {
        await StartAsync();

        // Guards the comparison above against an empty or partial view of the app's endpoints.
        Assert.Superset(
            new HashSet<string>
            {
                "GET /", "GET /ps", "GET /healthz", "GET /api/v1/programs", "GET /api/v1/programs/{name}", "GET /api/v1/events",
                "GET /api/v1/programs/{name}/logs", "POST /api/v1/programs/{name}/start", "POST /api/v1/programs/{name}/stop",
                "POST /api/v1/programs/{name}/restart", "POST /api/v1/programs/{name}/scale", "POST /api/v1/programs/{name}/signal",
                "POST /api/v1/programs/{name}/instances/{id}/start", "POST /api/v1/programs/{name}/instances/{id}/stop",
                "POST /api/v1/programs/{name}/instances/{id}/restart", "DELETE /api/v1/programs/{name}/instances/{id}", "POST /api/v1/reload",
            },
            MappedRoutes().Select(r => $"{r.Method} {r.Path}").ToHashSet());
    }

    [Fact]
    public async Task Every_operation_has_the_endpoint_name_as_its_id_and_declares_its_route_parameters()
    {
        await StartAsync();

        var document = await GetJsonAsync("/openapi/v1.json");

        foreach (var (method, path, name) in MappedRoutes())
        {
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            var declared = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToList()
                : [];
            var inPath = path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')).ToList();
            Assert.Equal(inPath, declared);
        }
    }

    [Theory]
    [InlineData("/", "get", "status")]
    [InlineData("/ps", "get", "name,to")]
    [InlineData("/api/v1/programs/{name}/restart", "post", "rolling,wait,timeout")]
    [InlineData("/api/v1/programs/{name}/logs", "get", "instance,stream,tail,follow")]
    [InlineData("/api/v1/logs", "get", "target,stream,tail,since,follow")]
    [InlineData("/api/v1/events", "get", "since")]
    [InlineData("/api/v1/reload", "post", "dryRun")]
    public async Task The_query_parameters_the_handlers_read_are_documented(string path, string method, string names)
    {
        await StartAsync();

        var operation = (await GetJsonAsync("/openapi/v1.json")).GetProperty("paths").GetProperty(path).GetProperty(method);
        var query = operation.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query")
            .Select(p => p.GetProperty("name").GetString());

        Assert.Equal(names.Split(','), query);
    }

    [Fact]
    public async Task The_document_declares_the_bearer_token_scheme()
    {
        await StartAsync();

        var scheme = (await GetJsonAsync("/openapi/v1.json")).GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");

        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
    }

    [Fact]
    public async Task The_document_names_krust_pm_and_version_v1()
    {
        await StartAsync();

        var info = (await GetJsonAsync("/openapi/v1.json")).GetProperty("info");

        Assert.Equal("krust-pm", info.GetProperty("title").GetString());
        Assert.Equal("v1", info.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Healthz_says_ok_with_the_engine_version_and_the_number_of_programs()
    {
        await StartAsync();

        using var response = await Client.GetAsync("/healthz", Token);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["status", "version", "programs", "containment"], health.EnumerateObject().Select(p => p.Name));
        Assert.Equal("process groups", health.GetProperty("containment").GetString()); // --cgroup=off, as every in-memory host runs
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(2, health.GetProperty("programs").GetInt32());
        Assert.True(health.GetProperty("version").GetInt64() >= Host.Engine.State.Version - 1);
    }

    [Fact]
    public async Task Healthz_version_grows_as_the_engine_applies_commands()
    {
        await StartAsync();
        var before = (await GetJsonAsync("/healthz")).GetProperty("version").GetInt64();

        await PostJsonAsync("/api/v1/programs/web/stop");

        Assert.True((await GetJsonAsync("/healthz")).GetProperty("version").GetInt64() > before);
    }

    /// <summary>
    /// Every (method, route, name) the app maps, from its endpoint data source, but the document's own and the
    /// dashboard's (<c>/ui/</c>: web pages, not API), and but HEAD, which every GET route answers
    /// (<see cref="HeadRequestTests"/>).
    /// </summary>
    private List<(string Method, string Path, string? Name)> MappedRoutes() =>
    [
        .. Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != DocumentRoute && !e.RoutePattern.RawText!.StartsWith("/ui", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Where(m => m != "HEAD")
                .Select(m => (m, Normalize(e.RoutePattern.RawText!), e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName))),
    ];

    private static string Normalize(string route) => "/" + route.Trim('/');
}
