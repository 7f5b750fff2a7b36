using Carter;
using KrustPm.Engine;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>POST /api/v1/reload[?dryRun=true]</c>: reads the configuration file again and applies it to the running
/// programs (see <see cref="ConfigReload"/>), or only shows the plan. 200 with the plan; 422 with the located problems
/// when the file does not load (nothing changes); 409 while krust-pm is shutting down.
/// </summary>
public sealed class ReloadModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/reload", (HttpContext context, ConfigReload reload) => ReloadAsync(context, reload))
            .WithName("ReloadConfig")
            .WithSummary("Read the configuration file again and apply it; ?dryRun=true only shows the plan.")
            .WithTags("config")
            .Query("dryRun", "boolean", "true: only show the plan, change nothing.")
            .Produces<ReloadView>()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> ReloadAsync(HttpContext context, ConfigReload reload)
    {
        if (RestartWait.Flag(context.Request, "dryRun", out var dryRun) is { } problem)
        {
            return problem;
        }

        var outcome = await reload.ReloadAsync("POST /api/v1/reload", dryRun, context.RequestAborted);
        if (!outcome.Problems.IsEmpty)
        {
            return Problems.ConfigNotLoaded(outcome.File, [.. outcome.Problems.Select(p => p.ToString())]);
        }

        return outcome.Refusal switch
        {
            { Rejection: RejectionKind.Invalid } refusal => Problems.ConfigNotLoaded(outcome.File, [refusal.Reason ?? "refused"]),
            { } refusal => CommandAnswers.Refusal(refusal, context, valueParameter: "dryRun"),
            null => TypedResults.Json(ReloadViews.From(outcome), ApiJson.Context.ReloadView),
        };
    }
}
