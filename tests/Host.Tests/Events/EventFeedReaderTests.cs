using KrustPm.Host.Events;

namespace KrustPm.Host.Tests.Events;

/// <summary>
/// One live reader's queue in <see cref="EventFeed"/>: a reader that stalls is not waited for, and when it reads again
/// it learns, at the place where they are missing, how many events it missed.
/// </summary>
public sealed class EventFeedReaderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reader_that_stalls_past_its_queue_gets_a_gap_counting_the_dropped_events_where_they_were_dropped()
    {
        var reader = new EventFeed.Reader(capacity: 4);
        for (var id = 1; id <= 7; id++)
        {
            reader.Offer(new ApiEvent(id, DateTimeOffset.UnixEpoch, "command"));
        }

        var read = await ReadAsync(reader, 5);

        Assert.Equal(["1", "2", "3", "4", "gap 3"], read.Select(Line));
    }

    [Fact]
    public async Task Events_offered_after_a_gap_follow_it_in_order()
    {
        var reader = new EventFeed.Reader(capacity: 2);
        reader.Offer(new ApiEvent(1, DateTimeOffset.UnixEpoch, "command"));
        reader.Offer(new ApiEvent(2, DateTimeOffset.UnixEpoch, "command"));
        reader.Offer(new ApiEvent(3, DateTimeOffset.UnixEpoch, "command"));

        var first = await ReadAsync(reader, 2);
        reader.Offer(new ApiEvent(4, DateTimeOffset.UnixEpoch, "command"));
        var then = await ReadAsync(reader, 2);
        reader.Offer(new ApiEvent(5, DateTimeOffset.UnixEpoch, "command"));
        var last = await ReadAsync(reader, 1);

        Assert.Equal(["1", "2", "gap 1", "4", "5"], first.Concat(then).Concat(last).Select(Line));
    }

    [Fact]
    public async Task A_reader_that_keeps_up_gets_no_gap()
    {
        var reader = new EventFeed.Reader(capacity: 2);
        var read = new List<ApiEvent>();
        for (var id = 1; id <= 6; id++)
        {
            reader.Offer(new ApiEvent(id, DateTimeOffset.UnixEpoch, "command"));
            read.AddRange(await ReadAsync(reader, 1));
        }

        Assert.Equal(["1", "2", "3", "4", "5", "6"], read.Select(Line));
    }

    private static string Line(ApiEvent e) => e.Type == "gap" ? $"gap {e.Missed}" : $"{e.Id}";

    private static async Task<List<ApiEvent>> ReadAsync(EventFeed.Reader reader, int count)
    {
        // Bounded so that a missing event fails the test instead of hanging it; what is expected is already queued.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var read = new List<ApiEvent>();
        await foreach (var item in reader.ReadAllAsync(bound.Token))
        {
            read.Add(item);
            if (read.Count == count)
            {
                break;
            }
        }

        return read;
    }
}
