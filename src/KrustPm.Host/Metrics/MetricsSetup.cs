using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KrustPm.Host.Metrics;

/// <summary>
/// Wires <see cref="KrustPmMetrics"/> to the OpenTelemetry SDK: the Prometheus exporter serves <c>GET /metrics</c>
/// (scraped fresh each time, under the API's token rules), and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the OTLP
/// exporter pushes the same metrics (to an OpenTelemetry Collector, Grafana Alloy, the Aspire dashboard), configured
/// by the standard <c>OTEL_*</c> variables.
/// </summary>
internal static class MetricsSetup
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>The variable that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddKrustPmMetrics(this IServiceCollection services)
    {
        services.AddSingleton<KrustPmMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("krust-pm"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(KrustPmMetrics.MeterName);
                metrics.AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
                if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable)))
                {
                    metrics.AddOtlpExporter();
                }
            });
    }

    /// <summary>Maps <c>GET /metrics</c> (GET and HEAD only), named and described for the OpenAPI document.</summary>
    public static void MapKrustPmMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(Path)
            .WithMetadata(new Microsoft.AspNetCore.Routing.HttpMethodMetadata(["GET", "HEAD"]))
            .WithName("Metrics")
            .WithSummary("Metrics in the Prometheus text format: instances, programs and krust-pm itself.")
            .WithTags("metrics")
            .WithMetadata(new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]));
}
