using Carter;
using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Api;

/// <summary>
/// Commands on a whole program: <c>POST /api/v1/programs/{name}/start|stop|restart|scale|signal</c>. Each is
/// checked before it enters the engine, and answers once the engine has done it (a stop, once the processes exited).
/// start, stop, restart and signal also take <c>@group</c> or <c>all</c> as the name (<see cref="TargetCommands"/>).
/// </summary>
public sealed class ProgramCommandsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var programs = app.MapGroup("/api/v1/programs/{name}");
        programs.MapPost("/start", (string name, HttpContext context, ProcessEngine engine) => TargetCommands.RunAsync(
                engine.State, name, "start", one => Run(one, "start", context, engine, p => engine.StartInstancesAsync(p, null, context.RequestAborted))))
            .WithName("StartProgram").WithSummary("Start the program's instances that are not running.")
            .ProgramCommand();
        programs.MapPost("/stop", (string name, HttpContext context, ProcessEngine engine) => TargetCommands.RunAsync(
                engine.State, name, "stop", one => Run(one, "stop", context, engine, p => engine.StopInstancesAsync(p, null, context.RequestAborted))))
            .WithName("StopProgram").WithSummary("Stop every instance; they stay listed as Stopped.")
            .ProgramCommand();
        programs.MapPost("/restart", (string name, HttpContext context, ProcessEngine engine, TimeProvider time) =>
                RestartAsync(name, context, engine, time))
            .WithName("RestartProgram")
            .WithSummary("Stop then start every instance; ?rolling=true does one at a time, each once the previous one is ready.")
            .ProgramCommand()
            .Query("rolling", "boolean", "Restart one instance at a time, each once the previous one's new run is ready (readiness probe or ready_log_line; else min_uptime_ms).")
            .Query("wait", "boolean", "false: answer at once (202) and let the restart go on.")
            .Query("timeout", "integer", "With rolling=true: seconds to wait for the rolling restart (1 to 86400; default: for each instance, stop_timeout_ms + min_uptime_ms + 60 s). Running out answers 504; the rolling restart goes on.")
            .Produces<CommandView>(StatusCodes.Status202Accepted)
            .Problems(StatusCodes.Status502BadGateway, StatusCodes.Status504GatewayTimeout);
        programs.MapPost("/scale", (string name, HttpContext context, ProcessEngine engine) => ScaleAsync(name, context, engine))
            .WithName("ScaleProgramV1").WithSummary("Set the number of instances: {\"instances\": N}.")
            .WithTags("programs")
            .ReadsJsonBody<ScaleRequest>()
            .Produces<ScaleView>()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);
        programs.MapPost("/signal", (string name, HttpContext context, ProcessEngine engine) => SignalAsync(name, context, engine))
            .WithName("SignalProgram").WithSummary("Send a signal to running instances: {\"signal\": \"HUP\", \"instance\": 0}.")
            .ProgramCommand()
            .Query("target", "string", "group: signal each instance's whole process group; main: its main process only; default: the program's stop_signal_target.")
            .ReadsJsonBody<SignalRequest>()
            .Problems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<IResult> Run(
        string name, string action, HttpContext context, ProcessEngine engine, Func<string, Task<CommandResult>> command, string? how = null)
    {
        if (RequestChecks.Program(engine.State, name, out _) is { } problem)
        {
            return problem;
        }

        CommandLog.Taken(context, how is null ? $"{action} {name}" : $"{action} {name} ({how})");
        return CommandAnswers.From(await command(name), new CommandView(name, null, action, 0), context, "name");
    }

    private static async Task<IResult> RestartAsync(string target, HttpContext context, ProcessEngine engine, TimeProvider time)
    {
        var (rolling, wait, timeout, problem) = RestartWait.Read(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        // A rolling restart of several programs restarts them one program after another (each rolling).
        return await TargetCommands.RunAsync(
            engine.State, target, "restart", name => RestartOneAsync(name, rolling, wait, timeout, context, engine, time), oneAtATime: rolling && wait);
    }

    private static async Task<IResult> RestartOneAsync(
        string name, bool rolling, bool wait, TimeSpan? timeout, HttpContext context, ProcessEngine engine, TimeProvider time)
    {
        if (RequestChecks.Program(engine.State, name, out var program) is { } unknown)
        {
            return unknown;
        }

        CommandLog.Taken(context, rolling ? $"restart {name} (rolling)" : $"restart {name}");
        var view = new CommandView(name, null, "restart", 0);
        var answer = engine.RestartInstancesAsync(name, null, rolling, wait, context.RequestAborted);
        if (!wait)
        {
            var result = await answer;
            return result.Accepted
                ? TypedResults.Accepted($"/api/v1/programs/{Uri.EscapeDataString(name)}", view with { Affected = result.Affected })
                : CommandAnswers.Refusal(result, context, "name");
        }

        if (!rolling)
        {
            return CommandAnswers.From(await answer, view, context, "name");
        }

        var limit = timeout ?? RestartWait.DefaultTimeout(program.Spec, program.Instances.Length);
        try
        {
            return CommandAnswers.From(await answer.WaitAsync(limit, time, context.RequestAborted), view, context, "name");
        }
        catch (TimeoutException) when (engine.State.Find(name)?.Rolling is not null)
        {
            return RestartWait.TimedOut(engine.State, name, limit);
        }
        catch (TimeoutException)
        {
            // The rolling restart ended just now: its answer follows the state that shows it ended.
            return CommandAnswers.From(await answer, view, context, "name");
        }
    }

    private static async Task<IResult> ScaleAsync(string name, HttpContext context, ProcessEngine engine)
    {
        var (program, body, problem) = await RequestChecks.ProgramAndBodyAsync(
            engine.State, name, context.Request, ApiJson.Requests.ScaleRequest, "{\"instances\": 3}");
        if (problem is not null)
        {
            return problem;
        }

        if (body.Instances is not { } wanted)
        {
            return Problems.BadBodyField("instances", "Give the number of instances wanted, e.g. {\"instances\": 3}.");
        }

        var before = program.Instances.Length;
        CommandLog.Taken(context, $"scale {name} to {wanted}");
        var result = await engine.ScaleAsync(name, wanted, context.RequestAborted);
        if (!result.Accepted)
        {
            // The engine judges the count (0 to max_instances, one log file per instance): a rule lives once.
            return result.Rejection is RejectionKind.Invalid
                ? Problems.BadBodyField("instances", result.Reason ?? "Refused.")
                : CommandAnswers.Refusal(result, context, "instances");
        }

        var added = wanted >= before ? result.Affected : 0;
        return TypedResults.Json(new ScaleView(name, wanted, added, result.Affected - added), ApiJson.Context.ScaleView);
    }

    private static async Task<IResult> SignalAsync(string target, HttpContext context, ProcessEngine engine)
    {
        if (ProgramTargets.Resolve(engine.State, target, out _) is { } unknown)
        {
            return unknown;
        }

        var (signalTarget, badTarget) = SignalTargetOf(context.Request);
        if (badTarget is not null)
        {
            return badTarget;
        }

        var (body, problem) = await RequestChecks.BodyAsync(context.Request, ApiJson.Requests.SignalRequest, "{\"signal\": \"HUP\"}");
        if (problem is not null || body is null)
        {
            return problem!;
        }

        if (body.Signal is not { } signalName || !Signals.TryParse(signalName, out var signal))
        {
            return Problems.BadBodyField(
                "signal", $"'{body.Signal}' is not a signal; use one of {string.Join(", ", Signals.Names)} (a SIG prefix is fine).");
        }

        if (body.Instance is not null && ProgramTargets.IsMany(engine.State, target))
        {
            return Problems.BadBodyField("instance", $"'{target}' names several programs: an instance id names one instance of one program.");
        }

        return await TargetCommands.RunAsync(engine.State, target, "signal", name => SignalOneAsync(name, signal, signalTarget, body, context, engine));
    }

    /// <summary>
    /// The <c>target</c> query parameter: <c>group</c> or <c>main</c>, or none for each program's own
    /// <c>stop_signal_target</c>.
    /// </summary>
    private static (SignalTarget? Target, IResult? Problem) SignalTargetOf(HttpRequest request)
    {
        var given = request.Query["target"];
        if (given.Count == 0)
        {
            return (null, null);
        }

        var names = string.Join(" or ", ProgramKeyValues.SignalTargets.Select(t => t.Name));
        if (given.Count > 1)
        {
            return (null, Problems.BadParameter("target", $"Give 'target' once ({names})."));
        }

        var match = ProgramKeyValues.SignalTargets.FirstOrDefault(t => t.Name == given.ToString());
        return match.Name is null
            ? (null, Problems.BadParameter("target", $"'{given}' is not a signal target: use {names}."))
            : (match.Target, null);
    }

    private static async Task<IResult> SignalOneAsync(
        string name, int signal, SignalTarget? target, SignalRequest body, HttpContext context, ProcessEngine engine)
    {
        if (RequestChecks.Program(engine.State, name, out var program) is { } unknown)
        {
            return unknown;
        }

        if (body.Instance is { } instance && program.Instances.All(i => i.Id != instance))
        {
            return Problems.NotFound("instance", $"Program '{name}' has no instance {instance}.");
        }

        var to = target switch { SignalTarget.Main => " (main process)", SignalTarget.Group => " (process group)", _ => string.Empty };
        CommandLog.Taken(context, $"signal {Signals.NameOf(signal)} to {name}{(body.Instance is { } one ? $".{one}" : string.Empty)}{to}");
        var result = await engine.SignalAsync(name, signal, body.Instance, target, context.RequestAborted);
        return CommandAnswers.From(result, new CommandView(name, body.Instance, "signal", 0), context, "signal");
    }
}
