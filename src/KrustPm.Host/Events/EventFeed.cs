using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KrustPm.Engine;

namespace KrustPm.Host.Events;

/// <summary>
/// Numbers every event the engine produces and keeps the last <see cref="HistorySize"/> of them, so a client can
/// resume with <c>Last-Event-ID</c>. Each live reader gets its own bounded queue: a reader too slow to keep up is not
/// waited for; it gets a <c>gap</c> event saying how many events it missed.
/// </summary>
internal sealed class EventFeed
{
    public const int HistorySize = 10_000;
    private const int ReaderQueue = 10_000;

    private readonly Lock _lock = new();
    private readonly Queue<ApiEvent> _history = new();
    private readonly List<Reader> _readers = [];
    private long _lastId;
    private long _lastEvictedId;

    /// <summary>The id of the newest event (0 before the first).</summary>
    public long LastId
    {
        get
        {
            lock (_lock)
            {
                return _lastId;
            }
        }
    }

    /// <summary>Called on the engine loop for each applied message: its events, as the API shows them.</summary>
    public void OnApplied(AppliedMessage applied)
    {
        if (applied.Events.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            for (var index = 0; index < applied.Events.Length; index++)
            {
                if (ApiEvents.From(applied.Events[index], applied.IdOf(index)) is not { } entry)
                {
                    continue;
                }

                _lastId = entry.Id;
                _history.Enqueue(entry);
                if (_history.Count > HistorySize)
                {
                    _lastEvictedId = _history.Dequeue().Id;
                }

                foreach (var reader in _readers)
                {
                    reader.Offer(entry);
                }
            }
        }
    }

    /// <summary>
    /// Subscribes at once: the subscription holds the events after <paramref name="since"/> still in the history (a
    /// <c>gap</c> event first when some are no longer there), and gets every event from now on, whether or not it is
    /// being read yet. Dispose it to leave.
    /// </summary>
    public Subscription Subscribe(long since)
    {
        var reader = new Reader();
        List<ApiEvent> replay;
        lock (_lock)
        {
            replay = [.. _history.Where(e => e.Id > since)];
            if (since < _lastEvictedId)
            {
                // Ids have gaps (bookkeeping events have no entry), so this counts ids: at most this many were missed.
                var oldest = replay.Count > 0 ? replay[0].Id : _lastId + 1;
                replay.Insert(0, Gap(oldest - since - 1));
            }

            _readers.Add(reader);
        }

        return new Subscription(this, replay, reader);
    }

    private void Leave(Reader reader)
    {
        lock (_lock)
        {
            _readers.Remove(reader);
        }
    }

    private static ApiEvent Gap(long missed) => new(0, DateTimeOffset.UtcNow, "gap") { Missed = missed };

    /// <summary>One client's place in the feed: the replay it is owed, then its live queue.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed _feed;
        private readonly List<ApiEvent> _replay;
        private readonly Reader _reader;

        internal Subscription(EventFeed feed, List<ApiEvent> replay, Reader reader)
        {
            _feed = feed;
            _replay = replay;
            _reader = reader;
        }

        /// <summary>The replayed events, then every new event as it comes, until cancelled.</summary>
        public async IAsyncEnumerable<ApiEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var past in _replay)
            {
                yield return past;
            }

            await foreach (var live in _reader.ReadAllAsync(cancellationToken))
            {
                yield return live;
            }
        }

        public void Dispose() => _feed.Leave(_reader);
    }

    /// <summary>One live reader's bounded queue.</summary>
    internal sealed class Reader
    {
        private readonly Channel<ApiEvent> _queue = Channel.CreateBounded<ApiEvent>(
            new BoundedChannelOptions(ReaderQueue) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropWrite });

        private long _missed;

        public void Offer(ApiEvent item)
        {
            if (!_queue.Writer.TryWrite(item))
            {
                Interlocked.Increment(ref _missed);
            }
        }

        public async IAsyncEnumerable<ApiEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                var missed = Interlocked.Exchange(ref _missed, 0);
                if (missed > 0)
                {
                    yield return Gap(missed);
                }

                yield return item;
            }
        }
    }
}
