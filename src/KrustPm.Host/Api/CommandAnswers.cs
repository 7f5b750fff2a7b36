using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>Turns the engine's answer to a command into an HTTP answer.</summary>
internal static class CommandAnswers
{
    public static IResult From(CommandResult result, CommandView accepted, HttpContext context, string valueParameter) =>
        result.Accepted ? TypedResults.Json(accepted with { Affected = result.Affected }, ApiJson.Context.CommandView) : Refusal(result, context, valueParameter);

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
