using Microsoft.AspNetCore.Http.HttpResults;

namespace KrustPm.Host.Api;

/// <summary><c>application/problem+json</c> answers that name what was wrong and with which parameter.</summary>
internal static class Problems
{
    public static IResult BadParameter(string parameter, string detail) =>
        Problem(StatusCodes.Status400BadRequest, $"Invalid query parameter '{parameter}'", detail, parameter);

    public static IResult NotFound(string parameter, string detail) =>
        Problem(StatusCodes.Status404NotFound, $"Unknown {parameter}", detail, parameter);

    public static IResult BadHeader(string header, string detail) =>
        Problem(StatusCodes.Status400BadRequest, $"Invalid header '{header}'", detail, header);

    public static IResult BadRoute(string parameter, string detail) =>
        Problem(StatusCodes.Status400BadRequest, $"Invalid route parameter '{parameter}'", detail, parameter);

    public static IResult BadBody(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid request body", detail, "body");

    public static IResult BadBodyField(string field, string detail) =>
        Problem(StatusCodes.Status400BadRequest, $"Invalid field '{field}' in the request body", detail, field);

    public static IResult Busy(string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "krust-pm is busy", detail, null);

    public static IResult Forbidden(string title, string detail) =>
        Problem(StatusCodes.Status403Forbidden, title, detail, null);

    public static IResult Conflict(string detail) =>
        Problem(StatusCodes.Status409Conflict, "Request conflicts with krust-pm's state", detail, null);

    /// <summary>
    /// 502: krust-pm did what was asked, and a program it runs failed (a rolling restart's new run failed before it
    /// was ready). <paramref name="extensions"/> say which program and instance, and how far it got.
    /// </summary>
    public static IResult ProgramFailed(string title, string detail, Dictionary<string, object?> extensions) => TypedResults.Problem(
        detail: detail, statusCode: StatusCodes.Status502BadGateway, title: title, extensions: extensions);

    /// <summary>504: a program did not become ready in the time the request waited (the work goes on in krust-pm).</summary>
    public static IResult GatewayTimeout(string detail, string program, long? instance) => TypedResults.Problem(
        detail: detail,
        statusCode: StatusCodes.Status504GatewayTimeout,
        title: "A program did not become ready in time",
        extensions: new Dictionary<string, object?> { ["program"] = program, ["instance"] = instance });

    /// <summary>
    /// 422: the configuration file does not load; nothing was changed. <c>problems</c> lists each problem as
    /// <c>krust-pm check</c> prints it (file:line: program: key: message).
    /// </summary>
    public static IResult ConfigNotLoaded(string file, string[] problems) => TypedResults.Problem(
        detail: $"{file}: {problems.Length} problem(s); nothing was changed, krust-pm keeps running with its configuration. First: {problems[0]}",
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The configuration does not load",
        extensions: new Dictionary<string, object?> { ["file"] = file, ["problems"] = problems });

    /// <summary>415: a body that is not declared <c>application/json</c>.</summary>
    public static IResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Invalid header 'Content-Type'", detail, "Content-Type");

    /// <summary>421: the request names a host krust-pm does not serve (see <see cref="HostCheck"/>).</summary>
    public static IResult MisdirectedHost(string detail) =>
        Problem(StatusCodes.Status421MisdirectedRequest, "Request for another host", detail, null);

    private static ProblemHttpResult Problem(int status, string title, string? detail, string? parameter) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        title: title,
        extensions: parameter is null ? null : new Dictionary<string, object?> { ["parameter"] = parameter });
}
