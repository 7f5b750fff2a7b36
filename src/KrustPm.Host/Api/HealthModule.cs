using Carter;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /healthz</c>: krust-pm itself is up and its engine loop runs (no token needed); <c>degraded</c> while it is
/// short of a resource of its own (file descriptors...) and instances wait for it. Degraded is still 200: krust-pm
/// works and supervises what runs, and a supervisor that restarted it on a non-200 would stop every program.
/// </summary>
public sealed class HealthModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", (ProcessEngine engine) => engine.Completion.IsCompleted
                ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The engine has stopped")
                : TypedResults.Json(View(engine.State), ApiJson.Context.HealthView))
            .WithName("Health")
            .WithSummary("krust-pm is up.");

    private static HealthView View(EngineState state) => state.ResourceShortage is { } shortage
        ? new HealthView("degraded", state.Version, state.Programs.Length)
        {
            Reason = shortage.Reason,
            Since = shortage.Since,
            WaitingForResources = shortage.Instances,
        }
        : new HealthView("ok", state.Version, state.Programs.Length);
}
