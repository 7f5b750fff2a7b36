using Carter;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary><c>GET /healthz</c>: krust-pm itself is up and its engine loop runs (no token needed).</summary>
public sealed class HealthModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", (ProcessEngine engine) => engine.Completion.IsCompleted
                ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The engine has stopped")
                : TypedResults.Json(new HealthView("ok", engine.State.Version, engine.State.Programs.Length), ApiJson.Context.HealthView))
            .WithName("Health")
            .WithSummary("krust-pm is up.");
}
