using System.Text.Json.Serialization;
using Carter;
using KrustPm.Host.Api;
using KrustPm.Host.Config;

namespace KrustPm.Host.Dashboard;

/// <summary>
/// The web dashboard at <c>/ui/</c>: its embedded static files, which hold no data and are served without the token
/// (a browser cannot send a bearer header when it opens a page; the page asks for the token and sends it with every
/// API call), and <c>/ui/dashboard.json</c>, what the page needs to know about this krust-pm that the API does not
/// say, which needs the token like the API. Every answer carries a strict Content-Security-Policy (no inline script,
/// nothing from elsewhere, never in a frame), <c>nosniff</c> and <c>no-referrer</c>.
/// </summary>
public sealed class DashboardModule : ICarterModule
{
    /// <summary>Scripts, styles and images only from krust-pm itself; no inline script or style; never framed.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // Routing matches /ui and /ui/ alike; without the slash the page's relative module imports would resolve
        // against "/", so that spelling is redirected.
        app.MapGet("/ui", (HttpContext context, DashboardAssets assets) => context.Request.Path.Value!.EndsWith('/')
                ? Serve(context, assets, "index.html")
                : Secured(context, TypedResults.Redirect("/ui/", permanent: true, preserveMethod: true)))
            .WithMetadata(NoTokenNeeded.Instance)
            .ExcludeFromDescription();
        app.MapGet("/ui/dashboard.json", (HttpContext context, KrustConfig config) => Secured(
                context,
                TypedResults.Json(new DashboardSettings(config.ReadOnly), DashboardJson.Default.DashboardSettings)))
            .ExcludeFromDescription();
        app.MapGet("/ui/{file}", (HttpContext context, DashboardAssets assets, string file) => Serve(context, assets, file))
            .WithMetadata(NoTokenNeeded.Instance)
            .ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, DashboardAssets assets, string file)
    {
        if (assets.Find(file) is not { } asset)
        {
            return Secured(context, Problems.NotFound("file", $"The dashboard has no file '{file}'."));
        }

        // Revalidated each time (an upgraded krust-pm serves new files at the same names), answered 304 when unchanged.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        return Secured(
            context,
            string.Equals(context.Request.Headers.IfNoneMatch, asset.ETag, StringComparison.Ordinal)
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Bytes(asset.Bytes, asset.ContentType));
    }

    private static IResult Secured(HttpContext context, IResult result)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        return result;
    }
}

/// <summary>What the dashboard needs to know that the API does not say: whether krust-pm refuses every change (<c>read_only</c>).</summary>
public sealed record DashboardSettings(bool ReadOnly);

/// <summary>Source-generated JSON (Native AOT) of <see cref="DashboardSettings"/>, in the API's camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DashboardSettings))]
internal sealed partial class DashboardJson : JsonSerializerContext;
