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
                (string name, HttpRequest request, ProcessEngine engine, OutputStore store, StreamSlots slots, IHostApplicationLifetime lifetime) =>
                    Logs(name, request, engine.State, store, slots, FollowEnds(request.HttpContext, lifetime)))
            .WithName("ProgramLogs")
            .WithSummary("The last lines of one instance's output; follow=true streams new lines as Server-Sent Events.")
            .WithTags("logs")
            .Query("instance", "integer", "The instance (optional when the program has one).")
            .Query("stream", "string", "stdout (default) or stderr.")
            .Query("tail", "integer", "How many of the last lines (default 100, at most 10000).")
            .Query("follow", "boolean", "Stream new lines as Server-Sent Events.")
            .Header("Last-Event-ID", "string", "With follow=true: the id of the last line received (INODE:BORN:OFFSET); the stream continues after it, from the log files (an EventSource sends it when it reconnects).")
            .Produces<LogLinesView>()
            .ProducesEventStream()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

    /// <summary>A follow ends when the client leaves or krust-pm stops (an open stream must not hold up shutdown).</summary>
    internal static CancellationToken FollowEnds(HttpContext context, IHostApplicationLifetime lifetime)
    {
        var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(ends);
        return ends.Token;
    }

    private static IResult Logs(
        string name, HttpRequest request, EngineState state, OutputStore store, StreamSlots slots, CancellationToken cancellationToken)
    {
        var (query, problem) = LogsQuery.Parse(name, request, state, store);
        if (query is null)
        {
            return problem!;
        }

        var streamName = query.Kind == OutputKind.Stdout ? "stdout" : "stderr";
        try
        {
            if (!query.Follow)
            {
                var lines = LogTail.Read(store.PathOf(name, query.Instance, query.Kind), query.Tail);
                return TypedResults.Json(new LogLinesView(name, query.Instance, streamName, lines), ApiJson.Context.LogLinesView);
            }

            if (!query.Program.Spec.Log.Enabled)
            {
                return Problems.Conflict($"Program '{name}' has log = false: its output is not kept, so it cannot be followed.");
            }

            var resume = request.Headers["Last-Event-ID"].ToString();
            LogPosition? after = null;
            if (resume.Length > 0)
            {
                if (!LogPosition.TryParse(resume, out var position))
                {
                    return Problems.BadHeader("Last-Event-ID", $"'{resume}' is not a line id: a line's id is INODE:BORN:OFFSET, as this stream gives it.");
                }

                after = position;
            }

            var (stream, refusal) = slots.TryOpen(request.HttpContext, $"logs {name}.{query.Instance} {streamName}");
            if (stream is null)
            {
                return refusal!;
            }

            var sink = store.Sink(name, query.Instance, query.Kind, query.Program.Spec.Log);
            var follower = sink.Follow(query.Tail, after, out var start);
            follower.ReaderBufferBytes = ServerSentEventsStream.HeldByResponse;
            stream.Follower = follower;
            return new ServerSentEventsStream(stream, Events(start, follower, cancellationToken), cancellationToken);
        }
        catch (PathTooLongException error)
        {
            // A name the file system cannot hold: no log file of it can exist (its output could not be kept either).
            return Problems.NotFound("name", $"Program '{name}' has no log files: their name is too long for the file system ({error.Message}).");
        }
    }

    /// <summary>
    /// A <c>gap</c> event first when lines may be missing since the reader's <c>Last-Event-ID</c>, then each line as a
    /// <c>line</c> event whose id is where it ends in the log file: a reader that reconnects continues after it.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> Events(
        FollowStart start, OutputFollower follower, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (follower)
        {
            if (start.Missed is { } missed)
            {
                yield return new SseItem<string>(missed, "gap");
            }

            foreach (var line in start.Lines)
            {
                yield return Line(line);
            }

            await foreach (var line in follower.ReadAsync(cancellationToken))
            {
                yield return Line(line);
            }
        }
    }

    private static SseItem<string> Line(LogLine line) =>
        new(line.Text, "line") { EventId = line.End?.ToString() };
}
