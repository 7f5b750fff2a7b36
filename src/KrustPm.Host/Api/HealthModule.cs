using Carter;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary><c>GET /healthz</c>: krust-pm itself is up and its engine loop runs (no token needed).</summary>
public sealed class HealthModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", (ProcessEngine engine, Hosting.JournalSetup journal) => engine.Completion.IsCompleted
                ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The engine has stopped")
                : TypedResults.Json(View(engine.State, journal), ApiJson.Context.HealthView))
            .WithName("Health")
            .WithSummary("krust-pm is up.");

    /// <summary>ok, or degraded with the problems: a journal that does not write, or dropped events.</summary>
    private static HealthView View(EngineState state, Hosting.JournalSetup journal)
    {
        var view = new HealthView("ok", state.Version, state.Programs.Length);
        if (journal.Journal?.Health is not { } health || (health.Writing && health.DroppedRecords == 0))
        {
            return view;
        }

        var problem = health.Writing
            ? $"the journal dropped {health.DroppedRecords} event(s) while it could not write; it writes again"
            : $"the journal cannot write to {journal.Journal.Directory}: {health.LastError}";
        return view with { Status = "degraded", Problems = [problem], JournalDropped = health.DroppedRecords };
    }
}
