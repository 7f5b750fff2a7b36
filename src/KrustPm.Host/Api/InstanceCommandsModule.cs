using Carter;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// Commands on one instance: <c>POST /api/v1/programs/{name}/instances/{id}/start|stop|restart</c> and
/// <c>DELETE /api/v1/programs/{name}/instances/{id}</c> (stop it and remove it).
/// </summary>
public sealed class InstanceCommandsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/api/v1/programs/{name}/instances/{id}");
        instances.MapPost("/start", (string name, string id, HttpContext context, ProcessEngine engine) =>
                Run(name, id, "start", context, engine, (p, i) => engine.StartInstancesAsync(p, i, context.RequestAborted)))
            .WithName("StartInstance").WithSummary("Start the instance if it is not running.")
            .InstanceCommand();
        instances.MapPost("/stop", (string name, string id, HttpContext context, ProcessEngine engine) =>
                Run(name, id, "stop", context, engine, (p, i) => engine.StopInstancesAsync(p, i, context.RequestAborted)))
            .WithName("StopInstance").WithSummary("Stop the instance; it stays listed as Stopped.")
            .InstanceCommand();
        instances.MapPost("/restart", (string name, string id, HttpContext context, ProcessEngine engine) =>
                Run(name, id, "restart", context, engine, (p, i) => engine.RestartInstancesAsync(p, i, false, cancellationToken: context.RequestAborted)))
            .WithName("RestartInstance").WithSummary("Stop the instance and start it again.")
            .InstanceCommand();
        instances.MapDelete(string.Empty, (string name, string id, HttpContext context, ProcessEngine engine) =>
                Run(name, id, "delete", context, engine, (p, i) => engine.RemoveInstanceAsync(p, i, context.RequestAborted)))
            .WithName("DeleteInstance").WithSummary("Stop the instance and remove it from the program.")
            .InstanceCommand();
    }

    private static async Task<IResult> Run(
        string name, string idText, string action, HttpContext context, ProcessEngine engine, Func<string, long, Task<CommandResult>> command)
    {
        if (RequestChecks.Program(engine.State, name, out var program) is { } problem)
        {
            return problem;
        }

        if (RequestChecks.Instance(program, idText, out var id) is { } instanceProblem)
        {
            return instanceProblem;
        }

        CommandLog.Taken(context, $"{action} {name}.{id}");
        return CommandAnswers.From(await command(name, id), new CommandView(name, id, action, 0), context, "id");
    }
}
