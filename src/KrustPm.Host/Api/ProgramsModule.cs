using Carter;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary><c>GET /api/v1/programs</c> and <c>GET /api/v1/programs/{name}</c>: everything the engine knows.</summary>
public sealed class ProgramsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/programs", (ProcessEngine engine, Resources.ResourceSampler resources) =>
            {
                var state = engine.State;
                IReadOnlyList<ProgramView> programs = [.. state.Programs.Select(p => StateProjection.Detailed(state, p, resources))];
                return TypedResults.Json(programs, ApiJson.Context.IReadOnlyListProgramView);
            })
            .WithName("ListProgramsV1")
            .WithSummary("Every program with its instances, state and configuration.")
            .WithTags("programs")
            .Produces<IReadOnlyList<ProgramView>>();

        app.MapGet("/api/v1/programs/{name}", (string name, ProcessEngine engine, Resources.ResourceSampler resources) =>
            {
                var state = engine.State;
                return RequestChecks.Program(state, name, out var program) is { } problem
                    ? problem
                    : TypedResults.Json(StateProjection.Detailed(state, program, resources), ApiJson.Context.ProgramView);
            })
            .WithName("GetProgram")
            .WithSummary("One program with its instances, state and configuration.")
            .WithTags("programs")
            .Produces<ProgramView>()
            .Problems(StatusCodes.Status404NotFound);
    }
}
