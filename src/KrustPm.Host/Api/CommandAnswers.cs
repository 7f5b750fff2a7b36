using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>Turns the engine's answer to a command into an HTTP answer.</summary>
internal static class CommandAnswers
{
    public static IResult From(CommandResult result, CommandView accepted, HttpContext context, string valueParameter) => result switch
    {
        { Accepted: false } => Refusal(result, context, valueParameter),
        { Failure: { } failure } => Failed(accepted.Program, failure),
        _ => TypedResults.Json(accepted with { Affected = result.Affected }, ApiJson.Context.CommandView),
    };

    /// <summary>
    /// An accepted command that did not complete (a rolling restart that stopped part-way): 502 when a new run failed
    /// (krust-pm did its part; the program did not come up), 409 when a stop or the shutdown ended it. Either way the
    /// problem names the instance it stopped at and lists the instances restarted and not restarted.
    /// </summary>
    public static IResult Failed(string program, CommandFailure failure)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["program"] = program,
            ["instance"] = failure.Instance,
            ["restarted"] = failure.Restarted.ToArray(),
            ["notRestarted"] = failure.NotRestarted.ToArray(),
        };
        return failure.Kind is CommandFailureKind.Interrupted
            ? TypedResults.Problem(detail: failure.Reason, statusCode: StatusCodes.Status409Conflict, title: "The rolling restart was interrupted", extensions: extensions)
            : Problems.ProgramFailed("The rolling restart stopped: a new run failed", failure.Reason, extensions);
    }

    /// <summary>404 for an unknown name or id, 409 for a conflict, 503 (with Retry-After) when busy, else 400.</summary>
    public static IResult Refusal(CommandResult result, HttpContext context, string valueParameter)
    {
        var reason = result.Reason ?? "Refused.";
        switch (result.Rejection)
        {
            case RejectionKind.Busy:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Busy(reason);
            case RejectionKind.NotFound:
                return Problems.NotFound(reason.Contains("instance", StringComparison.Ordinal) ? "id" : "name", reason);
            case RejectionKind.Conflict:
                return Problems.Conflict(reason);
            default:
                return Problems.BadParameter(valueParameter, reason);
        }
    }
}
