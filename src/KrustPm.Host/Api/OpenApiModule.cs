using Carter;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /openapi/v1.json</c>: the OpenAPI document of every route, served from <c>openapi.v1.json</c> embedded in
/// the binary. Generating it at run time (Microsoft.AspNetCore.OpenApi) put 1.5 MB of code and 1.5 MB of heap into
/// every krust-pm for a document that only changes with the code; <c>OpenApiAndHealthTests</c> check that the file
/// lists exactly the routes the app maps, with their path and query parameters.
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
