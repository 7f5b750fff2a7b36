using KrustPm.Engine;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KrustPm.Host.Api;

/// <summary><c>application/problem+json</c> answers that name what was wrong and with which parameter.</summary>
internal static class Problems
{
    public static IResult BadParameter(string parameter, string detail) =>
        Problem(StatusCodes.Status400BadRequest, $"Invalid query parameter '{parameter}'", detail, parameter);

    public static IResult NotFound(string parameter, string detail) =>
        Problem(StatusCodes.Status404NotFound, $"Unknown {parameter}", detail, parameter);

    public static IResult Conflict(string detail) =>
        Problem(StatusCodes.Status409Conflict, "Request conflicts with krust-pm's state", detail, null);

    /// <summary>The engine refused a command: 404 for an unknown name, 409 for a conflict, else 400.</summary>
    public static IResult Rejected(CommandResult result, string nameParameter, string valueParameter) => result.Rejection switch
    {
        RejectionKind.NotFound => NotFound(nameParameter, result.Reason ?? "Not found."),
        RejectionKind.Conflict => Problem(StatusCodes.Status409Conflict, "Request conflicts with krust-pm's state", result.Reason, null),
        _ => BadParameter(valueParameter, result.Reason ?? "Invalid value."),
    };

    private static ProblemHttpResult Problem(int status, string title, string? detail, string? parameter) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        title: title,
        extensions: parameter is null ? null : new Dictionary<string, object?> { ["parameter"] = parameter });
}
