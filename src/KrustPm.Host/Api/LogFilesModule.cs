using Carter;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>POST /api/v1/logs/reopen</c>: reopens every program's log files, as SIGUSR1 does (nginx's convention), for a
/// logrotate <c>postrotate</c> script that prefers HTTP to a signal. A change: refused when read-only.
/// </summary>
public sealed class LogFilesModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/logs/reopen", (LogFileReopener reopener) =>
                TypedResults.Json(new LogsReopenedView(reopener.Reopen("the API")), ApiJson.Context.LogsReopenedView))
            .WithName("ReopenLogs")
            .WithSummary("Reopen every log file (after logrotate moved them), as SIGUSR1 does.")
            .WithTags("logs")
            .Produces<LogsReopenedView>();
}
