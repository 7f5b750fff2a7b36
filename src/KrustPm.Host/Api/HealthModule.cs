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
        app.MapGet("/healthz", (ProcessEngine engine, Hosting.JournalSetup journal, Hosting.Containment containment) => engine.Completion.IsCompleted
                ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The engine has stopped")
                : TypedResults.Json(View(engine.State, journal) with { Containment = containment.Description }, ApiJson.Context.HealthView))
            .WithName("Health")
            .WithSummary("krust-pm is up.")
            .WithTags("health")
            .Produces<HealthView>()
            .Problems(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// ok, or degraded with the problems: krust-pm short of a resource to start programs, a journal that does not
    /// write, or dropped events. Degraded is still 200: krust-pm works and supervises what runs, and a supervisor that
    /// restarted it on a non-200 would stop every program.
    /// </summary>
    private static HealthView View(EngineState state, Hosting.JournalSetup journal)
    {
        var view = new HealthView("ok", state.Version, state.Programs.Length);
        var problems = new List<string>();
        if (state.ResourceShortage is { } shortage)
        {
            problems.Add($"{shortage.Reason}; {shortage.Instances} instance(s) wait for it");
            view = view with { Reason = shortage.Reason, Since = shortage.Since, WaitingForResources = shortage.Instances };
        }

        if (journal.Journal?.Health is { } health && !(health.Writing && health.DroppedRecords == 0))
        {
            problems.Add(health.Writing
                ? $"the journal dropped {health.DroppedRecords} event(s) while it could not write; it writes again"
                : $"the journal cannot write to {journal.Journal.Directory}: {health.LastError}");
            view = view with { JournalDropped = health.DroppedRecords };
        }

        return problems.Count == 0 ? view : view with { Status = "degraded", Problems = problems };
    }
}
