using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Carter;
using KrustPm.Engine;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /api/v1/logs?target=NAME[:ID]|@group|all&amp;stream=&amp;tail=&amp;since=&amp;follow=</c>: the output of every
/// instance of a program (or one), of a group's programs, or of every program (the default), each line with its program and
/// instance: the last lines as JSON, or (<c>follow=true</c>) those and then every new line of any of them, as
/// Server-Sent Events, interleaved as they are written. Each instance followed takes one of the <c>max_streams</c>
/// slots (each holds up to 1 MiB while its client does not read).
/// </summary>
public sealed class TargetLogsModule : ICarterModule
{
    private const int QueuedLines = 1024;

    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet(
                "/api/v1/logs",
                (HttpRequest request, ProcessEngine engine, OutputStore store, StreamSlots slots, IHostApplicationLifetime lifetime) =>
                    Logs(request, engine.State, store, slots, LogsModule.FollowEnds(request.HttpContext, lifetime)))
            .WithName("Logs")
            .WithSummary("The output of a program's instances, a group's (target=@web) or every program's, each line with its program and instance; follow=true streams them as Server-Sent Events.")
            .WithTags("logs")
            .Query("target", "string", "A program, NAME:ID for one instance, @group (the programs whose groups list it) or all (default).")
            .Query("stream", "string", "stdout (default) or stderr.")
            .Query("tail", "integer", "How many of the last lines of each instance (default 100, at most 10000).")
            .Query("since", "string", "Only lines written at or after this RFC 3339 time (programs with log_timestamps = true).")
            .Query("follow", "boolean", "Stream new lines of every instance as Server-Sent Events.")
            .Produces<TargetLogLinesView>()
            .ProducesEventStream()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

    private static IResult Logs(HttpRequest request, EngineState state, OutputStore store, StreamSlots slots, CancellationToken cancellationToken)
    {
        var target = request.Query["target"].ToString() is { Length: > 0 } given ? given : ProgramTargets.All;
        if (LogsQuery.Single(request, "target") is { } twice)
        {
            return twice;
        }

        // NAME:ID reads one instance (as /api/v1/programs/NAME/logs?instance=ID does, with since).
        long? only = null;
        var colon = target.LastIndexOf(':');
        if (colon > 0 && long.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var instanceId))
        {
            only = instanceId;
            target = target[..colon];
        }

        if (ProgramTargets.Resolve(state, target, out var programs) is { } unknown)
        {
            return unknown;
        }

        if (only is { } wanted && (programs.Count != 1 || programs[0].Instances.All(i => i.Id != wanted)))
        {
            return Problems.NotFound("instance", $"'{target}' has no instance {wanted}.");
        }

        var (kind, tail, follow, problem) = LogsQuery.Options(request);
        if (problem is not null)
        {
            return problem;
        }

        if (Since(request, out var since) is { } badSince)
        {
            return badSince;
        }

        if (since is not null && programs.FirstOrDefault(p => p.Spec.Log.Enabled && !p.Spec.Log.Timestamps) is { } untimed)
        {
            return Problems.BadParameter(
                "since", $"The lines of '{untimed.Name}' carry no time: set log_timestamps = true for it to read them since a moment.");
        }

        var instances = programs.Where(p => p.Spec.Log.Enabled && !p.Spec.Log.Inherit)
            .SelectMany(p => p.Instances.Where(i => only is null || i.Id == only).Select(i => (p.Name, i.Id, p.Spec.Log))).ToList();
        var names = instances.Select(i => $"{i.Name}.{i.Id}").ToArray();
        var streamName = kind == OutputKind.Stdout ? "stdout" : "stderr";
        if (!follow)
        {
            var lines = instances.Select(i => LogTail.Read(store.PathOf(i.Name, i.Id, kind), tail).Select(line => new LogEntryView(i.Name, i.Id, line)));
            return TypedResults.Json(new TargetLogLinesView(target, streamName, names, LogLineTimes.Merge(lines, since)), ApiJson.Context.TargetLogLinesView);
        }

        var opened = new List<OpenStream>();
        foreach (var (name, id, _) in instances)
        {
            var (slot, refusal) = slots.TryOpen(request.HttpContext, $"logs {name}.{id} {streamName}");
            if (slot is null)
            {
                opened.ForEach(s => s.Dispose());
                return refusal!;
            }

            opened.Add(slot);
        }

        if (opened.Count == 0)
        {
            return Problems.Conflict($"'{target}' has no instance whose output is kept (log = false or log = inherit, or no instances): there is nothing to follow.");
        }

        var followers = new List<(string Program, long Instance, OutputFollower Follower, IReadOnlyList<string> Tail)>();
        for (var i = 0; i < instances.Count; i++)
        {
            var (name, id, policy) = instances[i];
            var follower = store.Sink(name, id, kind, policy).Follow(tail, out var lines);
            follower.ReaderBufferBytes = ServerSentEventsStream.HeldByResponse;
            opened[i].Follower = follower;
            followers.Add((name, id, follower, lines));
        }

        foreach (var extra in opened.Skip(1))
        {
            request.HttpContext.Response.RegisterForDispose(extra);
        }

        return new ServerSentEventsStream(opened[0], Events(names, followers, since, cancellationToken), cancellationToken);
    }

    /// <summary>Reads <c>since</c>: an RFC 3339 time (the command line turns <c>10m</c> into one).</summary>
    private static IResult? Since(HttpRequest request, out DateTimeOffset? since)
    {
        since = null;
        var text = request.Query["since"].ToString();
        if (LogsQuery.Single(request, "since") is { } twice)
        {
            return twice;
        }

        if (text.Length == 0)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            return Problems.BadParameter("since", $"'{text}' is not an RFC 3339 time, e.g. since=2026-12-04T14:03:00Z.");
        }

        since = moment;
        return null;
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(
        string[] names,
        List<(string Program, long Instance, OutputFollower Follower, IReadOnlyList<string> Tail)> followers,
        DateTimeOffset? since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new SseItem<string>(JsonSerializer.Serialize(names, ApiJson.Compact.StringArray), "instances");
        var tails = followers.Select(f => f.Tail.Select(line => new LogEntryView(f.Program, f.Instance, line)));
        foreach (var entry in LogLineTimes.Merge(tails, since))
        {
            yield return Line(entry);
        }

        // One reader per instance, into one queue: lines come out in the order they were written, across instances.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<LogEntryView>(new BoundedChannelOptions(QueuedLines) { SingleReader = true });
        var readers = followers.Select(f => ReadAsync(f.Program, f.Instance, f.Follower, queue.Writer, stop.Token)).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(_ => queue.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            await foreach (var entry in queue.Reader.ReadAllAsync(cancellationToken))
            {
                yield return Line(entry);
            }
        }
        finally
        {
            // However the stream ends, every reader stops before its follower goes.
            await stop.CancelAsync();
            await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
            followers.ForEach(f => f.Follower.Dispose());
        }
    }

    private static async Task ReadAsync(string program, long instance, OutputFollower follower, ChannelWriter<LogEntryView> queue, CancellationToken stop)
    {
        await Task.Yield();
        await foreach (var line in follower.ReadLinesAsync(stop))
        {
            await queue.WriteAsync(new LogEntryView(program, instance, line), stop);
        }
    }

    private static SseItem<string> Line(LogEntryView entry) =>
        new(JsonSerializer.Serialize(entry, ApiJson.Compact.LogEntryView), "line");
}
