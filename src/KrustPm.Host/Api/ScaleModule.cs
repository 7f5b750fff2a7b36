using System.Globalization;
using Carter;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /ps?name=NAME&amp;to=AMOUNT</c>: sets the number of instances of a program and answers with how many were
/// added or removed, as a bare number, once removed instances' processes have exited.
/// </summary>
public sealed class ScaleModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/ps", (HttpRequest request, ProcessEngine engine, CancellationToken cancellationToken) =>
                ScaleAsync(request, engine, cancellationToken))
            .WithName("ScaleProgram")
            .WithMetadata(ChangesState.Instance)
            .WithSummary("Set the number of instances of a program; answers how many were added or removed (the first API's form of POST .../scale).")
            .WithTags("programs")
            .Query("name", "string", "The program to scale.", required: true)
            .Query("to", "integer", "The number of instances wanted (0 to max_instances).", required: true)
            .Produces<int>()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ScaleAsync(HttpRequest request, ProcessEngine engine, CancellationToken cancellationToken)
    {
        var names = request.Query["name"];
        if (names.Count != 1 || string.IsNullOrEmpty(names[0]))
        {
            return Problems.BadParameter("name", "Give the program's name once: /ps?name=NAME&to=AMOUNT.");
        }

        var name = names[0]!;
        if (engine.State.Find(name) is null)
        {
            return Problems.NotFound("name", $"There is no program named '{name}'.");
        }

        var amounts = request.Query["to"];
        if (amounts.Count != 1 || string.IsNullOrEmpty(amounts[0]))
        {
            return Problems.BadParameter("to", "Give the wanted number of instances once: /ps?name=NAME&to=AMOUNT.");
        }

        if (!int.TryParse(amounts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var to))
        {
            return Problems.BadParameter("to", $"'{amounts[0]}' is not a whole number.");
        }

        CommandLog.Taken(request.HttpContext, $"scale {name} to {to}");
        var result = await engine.ScaleAsync(name, to, cancellationToken);
        return result.Accepted
            ? TypedResults.Json(result.Affected, ApiJson.Context.Int32)
            : CommandAnswers.Refusal(result, request.HttpContext, valueParameter: "to");
    }
}
