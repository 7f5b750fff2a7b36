namespace KrustPm.Host.Api;

/// <summary>Where a <see cref="DocumentedParameter"/> is read from.</summary>
public enum DocumentedLocation
{
    Query,
    Header,
    Path,
}

/// <summary>
/// A parameter a handler reads itself (from <c>HttpRequest.Query</c> or a header, or a route value it parses), which
/// the endpoint's signature therefore does not show: endpoint metadata for the OpenAPI document, which
/// tests/Host.Tests/Api/OpenApi/KrustPmOpenApi.cs generates from the endpoints. <paramref name="Type"/> is a JSON
/// Schema type (<c>string</c>, <c>integer</c>, <c>boolean</c>).
/// </summary>
public sealed record DocumentedParameter(string Name, DocumentedLocation In, string Type, bool Required, string Description);

/// <summary>
/// The JSON body a handler reads itself (<see cref="RequestChecks"/>), for the OpenAPI document. Not
/// <c>Accepts&lt;T&gt;</c>: its metadata takes part in routing, which would answer a body of another Content-Type
/// with a bare 415 before the handler's problem can name the type it got.
/// </summary>
public sealed record DocumentedBody(Type Type);

/// <summary>
/// Marks a command whose <c>{name}</c> may be a group (<c>@web</c>) or <c>@all</c>: it then answers a
/// <see cref="TargetCommandView"/> instead of a <see cref="CommandView"/> (see <see cref="TargetCommands"/>).
/// </summary>
public sealed class AnswersForGroups
{
    public static readonly AnswersForGroups Instance = new();

    private AnswersForGroups()
    {
    }
}

/// <summary>The description of the routes, in the endpoints' metadata: parameters the handlers parse themselves.</summary>
internal static class ApiDocumentation
{
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, string name, string type, string description, bool required = false) =>
        builder.WithMetadata(new DocumentedParameter(name, DocumentedLocation.Query, type, required, description));

    public static RouteHandlerBuilder Header(this RouteHandlerBuilder builder, string name, string type, string description) =>
        builder.WithMetadata(new DocumentedParameter(name, DocumentedLocation.Header, type, false, description));

    /// <summary>The instance id in the route, parsed by the handler (so that a bad one is a 400 problem, not a 404).</summary>
    public static RouteHandlerBuilder InstanceIdInRoute(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new DocumentedParameter("id", DocumentedLocation.Path, "integer", true, "The instance's id (see the program's instances)."));

    public static RouteHandlerBuilder ReadsJsonBody<TBody>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new DocumentedBody(typeof(TBody)));

    /// <summary>Problems (<c>application/problem+json</c>) the endpoint answers with, each of its status codes.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }

        return builder;
    }

    /// <summary>A Server-Sent Events stream (<c>text/event-stream</c>) as the 200 answer.</summary>
    public static RouteHandlerBuilder ProducesEventStream(this RouteHandlerBuilder builder) =>
        builder.Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    /// <summary>A command on one instance (InstanceCommandsModule): its id, answer and problems.</summary>
    public static RouteHandlerBuilder InstanceCommand(this RouteHandlerBuilder builder) => builder
        .WithTags("instances")
        .InstanceIdInRoute()
        .Produces<CommandView>()
        .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// A command on a program or a group (ProgramCommandsModule): a <see cref="CommandView"/> for one program, a
    /// <see cref="TargetCommandView"/> for a group (<see cref="AnswersForGroups"/>), and its problems.
    /// </summary>
    public static RouteHandlerBuilder ProgramCommand(this RouteHandlerBuilder builder) => builder
        .WithTags("programs")
        .WithMetadata(AnswersForGroups.Instance)
        .Produces<CommandView>()
        .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
}
