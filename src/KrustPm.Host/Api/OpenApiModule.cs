using Carter;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /openapi/v1.json</c>: the OpenAPI document of every route, served from <c>openapi.v1.json</c> embedded in
/// the binary. The file is generated from the endpoints' metadata by Microsoft.AspNetCore.OpenApi in a test
/// (tests/Host.Tests/Api/OpenApi, which fails when the file differs; docs/http-api.md says how to regenerate it):
/// generating it at run time would put the generator's code and heap into every krust-pm for a document that only
/// changes with the code.
/// </summary>
public sealed class OpenApiModule : ICarterModule
{
    private const string ResourceName = "KrustPm.Host.Api.openapi.v1.json";

    private static readonly Lazy<byte[]> Document = new(Load);

    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/openapi/v1.json", () => TypedResults.Bytes(Document.Value, "application/json;charset=utf-8"))
            .WithName("OpenApiDocument")
            .ExcludeFromDescription();

    private static byte[] Load()
    {
        using var stream = typeof(OpenApiModule).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in krust-pm.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
