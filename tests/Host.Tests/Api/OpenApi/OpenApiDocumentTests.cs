using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Api.OpenApi;

/// <summary>
/// The document krust-pm serves at <c>/openapi/v1.json</c> (src/KrustPm.Host/Api/openapi.v1.json, embedded) is the one
/// Microsoft.AspNetCore.OpenApi generates from the endpoints' metadata (<see cref="KrustPmOpenApi"/>). After changing
/// an endpoint, regenerate it with
/// <c>KRUST_PM_WRITE_OPENAPI=1 dotnet test --project tests/Host.Tests --filter-class '*OpenApiDocumentTests'</c>
/// (docs/http-api.md).
/// </summary>
public sealed class OpenApiDocumentTests
{
    public static readonly string CommittedPath = Path.Combine(PublishedKrustPm.RepositoryRoot, "src", "KrustPm.Host", "Api", "openapi.v1.json");

    private const string Config = """
        [web]
        command = "python3 -m http.server 8000"
        """;

    [Fact]
    public async Task The_served_document_is_the_one_the_endpoints_declare()
    {
        var generated = await GenerateAsync();
        await using var host = new KrustPmFactory(Config);
        using var client = host.CreateClient();
        var served = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        if (served != generated && Environment.GetEnvironmentVariable("KRUST_PM_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, generated, TestContext.Current.CancellationToken);
            return;
        }

        Assert.True(
            served == generated,
            "/openapi/v1.json differs from what the endpoints declare; regenerate src/KrustPm.Host/Api/openapi.v1.json with "
            + "KRUST_PM_WRITE_OPENAPI=1 dotnet test --project tests/Host.Tests --filter-class '*OpenApiDocumentTests' (then rebuild).");
    }

    /// <summary>The document generated from a krust-pm's endpoints (on a config of one program: the routes do not depend on it).</summary>
    public static async Task<string> GenerateAsync()
    {
        await using var host = new KrustPmFactory(Config, configureServices: services => services.AddKrustPmOpenApi());
        return await KrustPmOpenApi.GenerateAsync(host.Services, TestContext.Current.CancellationToken);
    }
}
