using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Carter;
using KrustPm.Engine;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /api/v1/programs/{name}/logs?instance=ID&amp;stream=stdout|stderr&amp;tail=N&amp;follow=true</c>: the last
/// lines of an instance's output as JSON, or (<c>follow=true</c>) those lines and then every new line as
/// Server-Sent Events until the client leaves.
/// </summary>
public sealed class LogsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet(
                "/api/v1/programs/{name}/logs",
                (string name, HttpRequest request, ProcessEngine engine, OutputStore store, IHostApplicationLifetime lifetime) =>
                    Logs(name, request, engine.State, store, FollowEnds(request.HttpContext, lifetime)))
            .WithName("ProgramLogs");

    /// <summary>A follow ends when the client leaves or krust-pm stops (an open stream must not hold up shutdown).</summary>
    internal static CancellationToken FollowEnds(HttpContext context, IHostApplicationLifetime lifetime)
    {
        var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(ends);
        return ends.Token;
    }

    private static IResult Logs(string name, HttpRequest request, EngineState state, OutputStore store, CancellationToken cancellationToken)
    {
        var (query, problem) = LogsQuery.Parse(name, request, state, store);
        if (query is null)
        {
            return problem!;
        }

        var streamName = query.Kind == OutputKind.Stdout ? "stdout" : "stderr";
        if (!query.Follow)
        {
            var lines = LogTail.Read(store.PathOf(name, query.Instance, query.Kind), query.Tail);
            return TypedResults.Json(new LogLinesView(name, query.Instance, streamName, lines), ApiJson.Context.LogLinesView);
        }

        if (!query.Program.Spec.Log.Enabled)
        {
            return Problems.Conflict($"Program '{name}' has log = false: its output is not kept, so it cannot be followed.");
        }

        var sink = store.Sink(name, query.Instance, query.Kind, query.Program.Spec.Log);
        var follower = sink.Follow(query.Tail, out var tail);
        return TypedResults.ServerSentEvents(Events(tail, follower, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(
        IReadOnlyList<string> tail, OutputFollower follower, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (follower)
        {
            foreach (var line in tail)
            {
                yield return new SseItem<string>(line, "line");
            }

            await foreach (var line in follower.ReadLinesAsync(cancellationToken))
            {
                yield return new SseItem<string>(line, "line");
            }
        }
    }
}
