using System.Security.Cryptography;
using System.Text;
using KrustPm.Host.Config;

namespace KrustPm.Host.Api;

/// <summary>
/// The API's safety rules, before any endpoint runs:
/// <list type="bullet">
/// <item>without a token, a request for a <c>Host</c> that is not krust-pm's own (DNS rebinding) is refused (421,
/// see <see cref="HostCheck"/>), reads as well as changes; with a token, the token decides, but <c>/healthz</c>, which
/// needs none, still refuses foreign hosts;</item>
/// <item>with a token, every request but <c>GET /healthz</c>, the dashboard's static files and, with <c>metrics_public = true</c>, <c>GET /metrics</c> from this machine needs <c>Authorization: Bearer TOKEN</c> (401; compared in constant time);</item>
/// <item>a request that changes something (POST, PUT, PATCH, DELETE, and the seed's <c>GET /ps</c>) is refused (403)
/// when a browser says it comes from another site (<c>Sec-Fetch-Site: cross-site</c>, or an <c>Origin</c> that is not
/// this server), and when krust-pm is read-only. A client that sends neither header (curl, scripts) is not affected.</item>
/// </list>
/// No CORS headers are ever sent, so browsers keep other sites from reading answers.
/// </summary>
internal sealed class ApiGuard(KrustConfig config) : IMiddleware
{
    private readonly byte[]? _tokenHash = config.AuthToken is { } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;
    private readonly HostCheck _hosts = new(config.Server);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var refusal = (_tokenHash is null || IsPublic(request) ? _hosts.Refusal(context) : null)
            ?? Authenticate(request)
            ?? (Changes(request) ? ForbiddenChange(request) : null);
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// Whether the request changes something: any method but GET, HEAD and OPTIONS, and a GET routed to an endpoint
    /// marked <see cref="ChangesState"/> (the seed's <c>/ps</c>). Asking the router, not comparing paths, guards
    /// every spelling it accepts: <c>/PS</c>, <c>/ps/</c>...
    /// </summary>
    public static bool Changes(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
        || request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ChangesState>() is not null;

    private IResult? Authenticate(HttpRequest request)
    {
        if (_tokenHash is null || IsPublic(request))
        {
            return null;
        }

        var header = request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;

        // Hashing first makes the comparison constant-time whatever the lengths.
        if (given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _tokenHash))
        {
            return null;
        }

        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or wrong token",
            detail: "This krust-pm needs 'Authorization: Bearer TOKEN' (auth_token in its config, or KRUST_PM_TOKEN).");
    }

    /// <summary>
    /// <c>/healthz</c>, and the endpoints marked <see cref="NoTokenNeeded"/> (the dashboard's static files, which a
    /// browser fetches without a bearer header): they need no token, but answer only for krust-pm's own host names.
    /// </summary>
    private bool IsPublic(HttpRequest request) =>
        request.Path.Equals("/healthz", StringComparison.Ordinal)
        || request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<NoTokenNeeded>() is not null
        || (config.MetricsPublic && request.Path.Equals(Metrics.MetricsSetup.Path, StringComparison.Ordinal) && FromThisMachine(request.HttpContext));

    /// <summary>A request over loopback, or over the Unix socket (no remote address).</summary>
    private static bool FromThisMachine(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } remote || System.Net.IPAddress.IsLoopback(remote);

    private IResult? ForbiddenChange(HttpRequest request)
    {
        if (config.ReadOnly)
        {
            return Problems.Forbidden("krust-pm is read-only", "read_only = true: nothing can be changed through the API.");
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Forbidden("Cross-site request refused", "A page of another site cannot change krust-pm (Sec-Fetch-Site: cross-site).");
        }

        var origin = request.Headers.Origin.ToString();
        var own = $"{request.Scheme}://{request.Host}";
        if (origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Forbidden("Cross-origin request refused", $"Origin {origin} is not this server ({own}).");
        }

        return null;
    }
}

/// <summary>Marks a GET endpoint that changes something, so that <see cref="ApiGuard"/> treats it as a change.</summary>
internal sealed class ChangesState
{
    public static ChangesState Instance { get; } = new();

    private ChangesState()
    {
    }
}

/// <summary>
/// Marks an endpoint that needs no token: the dashboard's static files (<c>/ui/</c>), which hold no data. Like
/// <c>/healthz</c> they still answer only for krust-pm's own host names.
/// </summary>
internal sealed class NoTokenNeeded
{
    public static NoTokenNeeded Instance { get; } = new();

    private NoTokenNeeded()
    {
    }
}
