using Carter;
using KrustPm.Engine;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KrustPm.Host.Api;

/// <summary><c>GET /</c>: every program and its instances, as in the seed README; <c>?status=S</c> filters.</summary>
public sealed class RootModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/", (HttpRequest request, ProcessEngine engine, SnapshotJson cache) => List(request, engine.State, cache))
            .WithName("ListPrograms")
            .WithSummary("Every program with its instances (the first API's form of /api/v1/programs).")
            .WithTags("programs")
            .Query("status", "string", "Keep the programs with at least one instance in this status.")
            .Produces<IReadOnlyList<ProgramView>>()
            .Problems(StatusCodes.Status400BadRequest);

    private static IResult List(HttpRequest request, EngineState state, SnapshotJson cache)
    {
        var statuses = request.Query["status"];
        if (statuses.Count == 0)
        {
            return TypedResults.Bytes(cache.AllPrograms(state), "application/json; charset=utf-8");
        }

        if (statuses.Count > 1)
        {
            return Problems.BadParameter("status", "Give 'status' once.");
        }

        if (!Enum.TryParse<InstanceStatus>(statuses[0], ignoreCase: true, out var wanted)
            || !Enum.IsDefined(wanted)
            || int.TryParse(statuses[0], out _))
        {
            return Problems.BadParameter(
                "status",
                $"Unknown status '{statuses[0]}'; expected one of {string.Join(", ", Enum.GetNames<InstanceStatus>())}.");
        }

        return Json(StateProjection.WithStatus(state, wanted));
    }

    private static JsonHttpResult<IReadOnlyList<ProgramView>> Json(IReadOnlyList<ProgramView> programs) =>
        TypedResults.Json(programs, ApiJson.Context.IReadOnlyListProgramView);
}
