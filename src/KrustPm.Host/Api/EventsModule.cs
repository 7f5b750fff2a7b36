using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Carter;
using KrustPm.Host.Events;

namespace KrustPm.Host.Api;

/// <summary>
/// <c>GET /api/v1/events</c>: the engine's events as Server-Sent Events, each with its increasing <c>id</c>.
/// <c>Last-Event-ID</c> (or <c>?since=N</c>) resumes after that id from the last 10,000 events; <c>?since=0</c>
/// replays all of them; by default only new events come.
/// </summary>
public sealed class EventsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/events", (HttpContext context, EventFeed feed, StreamSlots slots, KrustPm.Engine.ProcessEngine engine) =>
            {
                var request = context.Request;
                var resume = request.Headers["Last-Event-ID"].ToString();
                var since = request.Query["since"].ToString();
                var from = resume.Length > 0 ? resume : since;
                long after;
                if (from.Length == 0)
                {
                    // New events only: those after the state a client can read now (GET /api/v1/programs), even if the
                    // feed has not numbered that state's last events yet.
                    after = Math.Max(feed.LastId, engine.State.LastEventId);
                }
                else if (!long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out after))
                {
                    return resume.Length > 0
                        ? Problems.BadHeader("Last-Event-ID", $"'{resume}' is not an event id.")
                        : Problems.BadParameter("since", $"'{since}' is not an event id.");
                }

                var (stream, refusal) = slots.TryOpen(context, "events");
                if (stream is null)
                {
                    return refusal!;
                }

                // Subscribed before the answer starts: once a client has the headers, no later event can miss it.
                var subscription = feed.Subscribe(after, fromState: from.Length == 0);
                context.Response.RegisterForDispose(subscription);
                // Not ended when krust-pm begins stopping: the stream carries the shutdown's events, and ends after them.
                var ends = context.RequestAborted;
                return new ServerSentEventsStream(stream, Items(subscription, ends), ends);
            })
            .WithName("Events")
            .WithSummary("Engine events as Server-Sent Events; resume with Last-Event-ID.")
            .WithTags("events")
            .Query("since", "integer", "Resume after this event id (or send Last-Event-ID).")
            .Header("Last-Event-ID", "integer", "The id of the last event received: the stream resumes after it (an EventSource sends it when it reconnects).")
            .ProducesEventStream()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);

    private static async IAsyncEnumerable<SseItem<string>> Items(
        EventFeed.Subscription subscription, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in subscription.ReadAsync(cancellationToken))
        {
            var data = JsonSerializer.Serialize(item, ApiJson.Compact.ApiEvent);
            yield return new SseItem<string>(data, item.Type)
            {
                EventId = item.Id > 0 ? item.Id.ToString(CultureInfo.InvariantCulture) : null,
            };
        }
    }
}
