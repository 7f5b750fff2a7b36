using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KrustPm.Host.Api;

/// <summary>
/// Completes the OpenAPI document with what the handlers read by hand (query parameters, for precise error
/// answers) and with the bearer token scheme.
/// </summary>
internal static class OpenApiQueryParameters
{
    private static readonly (string Path, string Name, string Type, string Description)[] Parameters =
    [
        ("/", "status", "string", "Keep the programs with at least one instance in this status."),
        ("/ps", "name", "string", "The program to scale."),
        ("/ps", "to", "integer", "The number of instances wanted (0 to max_instances)."),
        ("/api/v1/programs/{name}/restart", "rolling", "boolean", "Restart one instance at a time."),
        ("/api/v1/programs/{name}/logs", "instance", "integer", "The instance (optional when the program has one)."),
        ("/api/v1/programs/{name}/logs", "stream", "string", "stdout (default) or stderr."),
        ("/api/v1/programs/{name}/logs", "tail", "integer", "How many of the last lines (default 100, at most 10000)."),
        ("/api/v1/programs/{name}/logs", "follow", "boolean", "Stream new lines as Server-Sent Events."),
        ("/api/v1/events", "since", "integer", "Resume after this event id (or send Last-Event-ID)."),
    ];

    public static Task AddAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (path, name, type, description) in Parameters)
        {
            if (document.Paths.TryGetValue(path, out var item) && item.Operations is { } operations)
            {
                foreach (var operation in operations.Values)
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Query,
                        Description = description,
                        Schema = new OpenApiSchema
                        {
                            Type = type switch
                            {
                                "integer" => JsonSchemaType.Integer,
                                "boolean" => JsonSchemaType.Boolean,
                                _ => JsonSchemaType.String,
                            },
                        },
                    });
                }
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Needed when krust-pm has an auth_token (every endpoint but /healthz).",
        };
        return Task.CompletedTask;
    }
}
