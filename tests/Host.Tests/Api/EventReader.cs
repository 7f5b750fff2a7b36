using System.Net.ServerSentEvents;
using System.Text.Json;

namespace KrustPm.Host.Tests.Api;

/// <summary>One event of <c>GET /api/v1/events</c>: its SSE fields and its JSON data.</summary>
public sealed record ReceivedEvent(string Type, string? Id, JsonElement Data)
{
    public long NumericId => long.Parse(Id ?? throw new InvalidOperationException($"event {Type} has no id"), System.Globalization.CultureInfo.InvariantCulture);

    public string? Text(string property) => Data.TryGetProperty(property, out var value) ? value.GetString() : null;

    public long? Number(string property) => Data.TryGetProperty(property, out var value) ? value.GetInt64() : null;

    public override string ToString() => $"{Id}: {Type} {Data.GetRawText()}";
}

/// <summary>
/// An open <c>text/event-stream</c> answer read with <see cref="SseParser"/>; every read is bounded, so a missing
/// event fails the test instead of hanging it.
/// </summary>
public sealed class EventReader : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _life;
    private readonly IAsyncEnumerator<SseItem<string>> _items;

    private EventReader(HttpResponseMessage response, Stream body, CancellationTokenSource life)
    {
        _response = response;
        _life = life;
        _items = SseParser.Create(body).EnumerateAsync(life.Token).GetAsyncEnumerator(life.Token);
    }

    /// <summary>
    /// GETs <paramref name="url"/> and returns once the answer's headers are in (at most 10 s): the stream is open.
    /// </summary>
    public static async Task<EventReader> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var life = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        // The token given to SendAsync governs the whole answer, body included: the bound on the headers is separate.
        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, life.Token);
        if (await Task.WhenAny(sending, Task.Delay(Bound, life.Token)) != sending)
        {
            await life.CancelAsync();
            Assert.Fail($"GET {url}: no answer within {Bound.TotalSeconds} s");
        }

        var response = await sending;
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"GET {url}: {response.StatusCode}: {await response.Content.ReadAsStringAsync(life.Token)}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventReader(response, await response.Content.ReadAsStreamAsync(life.Token), life);
    }

    /// <summary>The next event (waits at most 10 s).</summary>
    public async Task<ReceivedEvent> NextAsync()
    {
        var next = _items.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(Bound, TestContext.Current.CancellationToken)) != next)
        {
            await _life.CancelAsync();
            Assert.Fail("no event came within 10 s");
        }

        Assert.True(await next, "the event stream ended");
        var item = _items.Current;
        return new ReceivedEvent(item.EventType, item.EventId, JsonDocument.Parse(item.Data).RootElement.Clone());
    }

    /// <summary>The next <paramref name="count"/> events.</summary>
    public async Task<List<ReceivedEvent>> TakeAsync(int count)
    {
        var events = new List<ReceivedEvent>(count);
        while (events.Count < count)
        {
            events.Add(await NextAsync());
        }

        return events;
    }

    /// <summary>Events until (and with) the one with id <paramref name="lastId"/>.</summary>
    public async Task<List<ReceivedEvent>> TakeUntilAsync(long lastId)
    {
        var events = new List<ReceivedEvent>();
        while (events.Count == 0 || events[^1].Id is null || events[^1].NumericId < lastId)
        {
            events.Add(await NextAsync());
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync();
        try
        {
            await _items.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // The stream was being read when it was cancelled.
        }

        _response.Dispose();
        _life.Dispose();
    }
}
