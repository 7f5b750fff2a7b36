using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using KrustPm.Host.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace KrustPm.Host.Tests.Api.OpenApi;

/// <summary>
/// Generates krust-pm's OpenAPI document from its endpoints' metadata with Microsoft.AspNetCore.OpenApi, in a test
/// rather than in krust-pm: the generator would add its code and heap to every running krust-pm (and its reflection
/// to the Native AOT build) for a document that changes only with the code. krust-pm serves the generated document,
/// committed as src/KrustPm.Host/Api/openapi.v1.json; <see cref="OpenApiDocumentTests"/> fails when they differ.
/// What the endpoints cannot say of themselves (what <see cref="ApiGuard"/>, Kestrel and routing answer on every
/// route, security, servers, licence) is added here by the transformers.
/// </summary>
internal static class KrustPmOpenApi
{
    public const string DocumentName = "v1";

    private const string ProblemJson = "application/problem+json";

    private const string ProblemSchema = "ProblemDetails";

    private const string EventStream = "text/event-stream";

    public static void AddKrustPmOpenApi(this IServiceCollection services) => services
        // Numbers are JSON numbers: krust-pm writes them so and reads bodies strictly (ApiJson.Requests), though the
        // web defaults it shares for writing would let a reader take "2" for 2.
        .ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict)
        .AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.ShouldInclude = description => description.HttpMethod != HttpMethods.Head
                && !(description.RelativePath ?? string.Empty).StartsWith("ui", StringComparison.Ordinal);
            options.AddSchemaTransformer(DescribeRequestBody);
            options.AddOperationTransformer(DescribeOperation);
            options.AddDocumentTransformer(DescribeDocument);
        });

    /// <summary>The document as JSON, as krust-pm serves it.</summary>
    public static async Task<string> GenerateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var document = await services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName).GetOpenApiDocumentAsync(cancellationToken);
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        return JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }

    private static async Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod ?? HttpMethods.Get;
        var path = "/" + (context.Description.RelativePath ?? string.Empty).TrimEnd('/');
        operation.Parameters ??= [];
        foreach (var parameter in metadata.OfType<DocumentedParameter>())
        {
            var location = parameter.In switch
            {
                DocumentedLocation.Query => ParameterLocation.Query,
                DocumentedLocation.Header => ParameterLocation.Header,
                _ => ParameterLocation.Path,
            };
            var documented = new OpenApiParameter
            {
                Name = parameter.Name,
                In = location,
                Required = parameter.Required || location == ParameterLocation.Path,
                Description = parameter.Description,
                Schema = new OpenApiSchema { Type = parameter.Type switch
                {
                    "integer" => JsonSchemaType.Integer,
                    "boolean" => JsonSchemaType.Boolean,
                    _ => JsonSchemaType.String,
                } },
            };
            var index = operation.Parameters.ToList().FindIndex(p => p.Name == parameter.Name && p.In == location);
            if (index >= 0)
            {
                operation.Parameters[index] = documented;
            }
            else
            {
                operation.Parameters.Add(documented);
            }
        }

        if (operation.Parameters.Count == 0)
        {
            operation.Parameters = null;
        }

        if (metadata.OfType<DocumentedBody>().FirstOrDefault() is { } body)
        {
            context.Document!.AddComponent(body.Type.Name, await context.GetOrCreateSchemaAsync(body.Type, cancellationToken: cancellationToken));
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(body.Type.Name, context.Document) },
                },
            };
        }

        operation.Responses ??= [];
        await DescribeEventStreamAsync(operation, context, metadata, cancellationToken);
        if (metadata.OfType<AnswersForGroups>().Any())
        {
            var target = await context.GetOrCreateSchemaAsync(typeof(TargetCommandView), cancellationToken: cancellationToken);
            context.Document!.AddComponent(nameof(TargetCommandView), target);
            foreach (var status in new[] { "200", "202" })
            {
                if (operation.Responses.TryGetValue(status, out var response) && response.Content?.TryGetValue("application/json", out var json) == true)
                {
                    json.Schema = new OpenApiSchema
                    {
                        Description = "A CommandView when {name} is one program, a TargetCommandView when it is a group (@web) or @all.",
                        OneOf = [json.Schema!, new OpenApiSchemaReference(nameof(TargetCommandView), context.Document)],
                    };
                }
            }
        }

        var isHealth = path == "/healthz";
        if (isHealth)
        {
            // /healthz needs no token (ApiGuard), so that a monitor can probe krust-pm.
            operation.Security = [];
        }
        else
        {
            operation.Responses["401"] = Shared("Unauthorized", context.Document!);
        }

        if (method != HttpMethods.Get || metadata.OfType<ChangesState>().Any())
        {
            operation.Responses["403"] = Shared("Forbidden", context.Document!);
        }

        operation.Responses["405"] = Shared("MethodNotAllowed", context.Document!);
        operation.Responses["421"] = Shared("MisdirectedHost", context.Document!);
        if (!isHealth && operation.Responses.ContainsKey("503"))
        {
            operation.Responses["503"] = Shared("Busy", context.Document!);
        }
    }

    /// <summary>
    /// A route that answers JSON or, with follow=true or always, Server-Sent Events: ApiExplorer keeps one answer per
    /// status code, so the 200 gets both media types here.
    /// </summary>
    private static async Task DescribeEventStreamAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata, CancellationToken cancellationToken)
    {
        var produces = metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
            .Where(p => p.StatusCode == StatusCodes.Status200OK).ToList();
        if (!produces.Any(p => p.ContentTypes.Contains(EventStream)))
        {
            return;
        }

        var content = new Dictionary<string, OpenApiMediaType>();
        if (produces.FirstOrDefault(p => p.Type is not null && p.Type != typeof(void)) is { Type: { } type })
        {
            context.Document!.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken));
            content["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(type.Name, context.Document) };
        }

        content[EventStream] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Server-Sent Events (text/event-stream): each event's data is one JSON object on one line; "
                    + "docs/http-api.md lists the event names and their fields.",
            },
        };
        operation.Responses!["200"] = new OpenApiResponse
        {
            Description = content.ContainsKey("application/json") ? "The lines as JSON; with follow=true, a stream of Server-Sent Events." : "A stream of Server-Sent Events.",
            Content = content,
        };
    }

    /// <summary>
    /// The request bodies' fields are nullable in C# only so that the handler can name a missing one; a client must
    /// send them as numbers and strings, never null.
    /// </summary>
    private static Task DescribeRequestBody(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if ((type != typeof(ScaleRequest) && type != typeof(SignalRequest)) || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        schema.AdditionalPropertiesAllowed = false;
        foreach (var (name, property) in schema.Properties)
        {
            if (property is OpenApiSchema field)
            {
                field.Type &= ~JsonSchemaType.Null;
                field.Description = (type.Name, name) switch
                {
                    (nameof(ScaleRequest), "instances") => "The wanted number of instances (0 to the program's max_instances).",
                    (nameof(SignalRequest), "signal") => "HUP, INT, QUIT, KILL, USR1, USR2 or TERM (a SIG prefix is fine).",
                    (nameof(SignalRequest), "instance") => "One instance's id; all running ones when left out.",
                    _ => field.Description,
                };
                if (field.Type == JsonSchemaType.Integer)
                {
                    field.Minimum = "0";
                }
            }
        }

        if (type == typeof(SignalRequest))
        {
            schema.Required = new HashSet<string> { "signal" };
        }

        return Task.CompletedTask;
    }

    private static OpenApiResponseReference Shared(string name, OpenApiDocument document) => new(name, document);

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "krust-pm",
            Version = "v1",
            Description = "Control a krust-pm process manager: its programs, their instances, logs and events. Generated from the "
                + "endpoints (docs/http-api.md says how); every GET route answers HEAD too, with the same status and headers.",
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };
        document.Servers =
        [
            new OpenApiServer { Url = "http://127.0.0.1:4000", Description = "krust-pm's default address (server-port in krust-pm.toml)." },
        ];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            ["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Needed when krust-pm has an auth_token (every endpoint but /healthz).",
            },
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "programs", Description = "Programs and commands on them (or on a group: @web, @all)." },
            new() { Name = "instances", Description = "Commands on one instance of a program." },
            new() { Name = "logs", Description = "Captured output of the instances, and the log files." },
            new() { Name = "events", Description = "What the engine does, as Server-Sent Events." },
            new() { Name = "config", Description = "The configuration file." },
            new() { Name = "health", Description = "Whether krust-pm is up." },
            new() { Name = "metrics", Description = "Metrics for Prometheus." },
        };

        // GET /metrics is the OpenTelemetry Prometheus exporter's endpoint, not a route handler: the generator does not
        // see it, so it is described here, as the app maps it (KrustPm.Host.Metrics.MetricsSetup).
        document.Paths ??= [];
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "Metrics",
                    Summary = "Metrics in the Prometheus text format: instances, programs and krust-pm itself.",
                    Tags = new HashSet<OpenApiTagReference> { new("metrics", document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The Prometheus text exposition format (docs/operations.md lists the metrics). With metrics_public = true, requests from this machine need no token.",
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                            },
                        },
                        ["401"] = Shared("Unauthorized", document),
                        ["405"] = Shared("MethodNotAllowed", document),
                        ["421"] = Shared("MisdirectedHost", document),
                    },
                },
            },
        };

        if (document.Components.Schemas?.TryGetValue(ProblemSchema, out var problem) == true && problem is OpenApiSchema problemSchema)
        {
            problemSchema.Description = "An RFC 9457 problem: what was wrong, and with which parameter, field or header.";
            problemSchema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            problemSchema.Properties["parameter"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The query or route parameter, body field or header at fault.",
            };
        }

        document.Components.Responses = new Dictionary<string, IOpenApiResponse>
        {
            ["Unauthorized"] = Problem(
                document,
                "krust-pm has an auth_token and the request has no 'Authorization: Bearer TOKEN', or a wrong one.",
                ("WWW-Authenticate", "Bearer: the scheme to use.", JsonSchemaType.String)),
            ["Forbidden"] = Problem(document, "krust-pm is read-only (read_only = true), or the request comes from another site (Origin, Sec-Fetch-Site)."),
            ["MethodNotAllowed"] = Problem(
                document,
                "The path does not take this method; Allow lists those it takes.",
                ("Allow", "The methods the path takes.", JsonSchemaType.String)),
            ["MisdirectedHost"] = Problem(
                document,
                "The Host header names neither a loopback name nor the configured host and port (DNS rebinding guard; without a token, and for /healthz)."),
            ["Busy"] = Problem(
                document,
                "krust-pm is busy (its command queue is full), or max_streams log followers and event streams are already open.",
                ("Retry-After", "Seconds to wait before asking again.", JsonSchemaType.Integer)),
        };
        return Task.CompletedTask;
    }

    private static OpenApiResponse Problem(
        OpenApiDocument document, string description, (string Name, string Description, JsonSchemaType Type)? header = null) => new()
    {
        Description = description,
        Headers = header is { } h
            ? new Dictionary<string, IOpenApiHeader> { [h.Name] = new OpenApiHeader { Description = h.Description, Schema = new OpenApiSchema { Type = h.Type } } }
            : null,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        },
    };
}
