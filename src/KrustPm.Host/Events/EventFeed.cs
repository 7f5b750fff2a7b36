using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KrustPm.Engine;
using KrustPm.Engine.Journal;

namespace KrustPm.Host.Events;

/// <summary>
/// Keeps the last <see cref="HistorySize"/> of the engine's events as the API shows them, so a client can resume with
/// <c>Last-Event-ID</c>; older ones, and those of earlier runs of krust-pm, are read from the journal. Each live reader
/// gets its own bounded queue: a reader too slow to keep up is not waited for; it gets a <c>gap</c> event saying how
/// many events it missed. A reader that resumes from an id krust-pm never gave (newer than its newest, or from an
/// earlier run without a journal) gets a <c>reset</c> event: it must read the state again. When the engine stops, every
/// reader gets the events of the shutdown, then its stream ends (<see cref="Complete"/>).
/// </summary>
internal sealed class EventFeed(Hosting.JournalSetup journal)
{
    public const int HistorySize = 10_000;
    private const int ReaderQueue = 10_000;

    private readonly Lock _lock = new();
    private readonly Queue<ApiEvent> _history = new();
    private readonly List<Reader> _readers = [];

    /// <summary>The id of the newest event the API shows (this run's start before the first).</summary>
    private long _lastId = journal.Start.LastEventId;

    /// <summary>The id of the newest event the engine applied, whether or not the API shows it: no client has a newer one.</summary>
    private long _appliedId = journal.Start.LastEventId;

    /// <summary>The id before this run's first: ids up to it are the journal's (or, without one, of no event here).</summary>
    private readonly long _runStart = journal.Start.LastEventId;

    private bool _completed;

    /// <summary>The id from which every event is in <see cref="_history"/> (older ones are only in the journal).</summary>
    private long _firstKept = journal.Start.LastEventId + 1;

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
            _appliedId = applied.IdOf(applied.Events.Length - 1);
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
                    _firstKept = _history.Dequeue().Id + 1;
                }

                foreach (var reader in _readers)
                {
                    reader.Offer(entry);
                }
            }
        }
    }

    /// <summary>
    /// Subscribes at once: the subscription holds the events after <paramref name="since"/> (from the journal, then
    /// from the history; a <c>gap</c> event first when some are in neither), and gets every event from now on, whether or not it is being read yet. An id krust-pm never
    /// gave gets a <c>reset</c> event instead of a replay. Dispose it to leave.
    /// </summary>
    /// <param name="since">The last id the client has (0: everything kept).</param>
    /// <param name="fromState">
    /// Whether <paramref name="since"/> is the engine's published state's last id rather than one the client was given
    /// (<c>/api/v1/events</c> without <c>since</c>: the events after the state it can read). The feed may not have
    /// numbered that state's last events yet: they are not sent, and it is no id "from the future".
    /// </param>
    public Subscription Subscribe(long since, bool fromState = false)
    {
        var reader = new Reader();
        List<ApiEvent> replay;
        long firstKept;
        long lastId;
        lock (_lock)
        {
            lastId = _appliedId;
            replay = since > lastId ? [] : [.. _history.Where(e => e.Id > since)];
            firstKept = _firstKept;
            if (_completed)
            {
                reader.Complete();
            }
            else
            {
                _readers.Add(reader);
            }
        }

        IEnumerable<ApiEvent> older;
        if (since > lastId && !fromState)
        {
            older = [Reset($"event {since} is newer than krust-pm's newest, {lastId}: it is from another krust-pm, or one whose journal was removed")];
        }
        else if (since > lastId)
        {
            older = []; // the state's newest events are being numbered now: after them, only what comes next
        }
        else if (since > 0 && since <= _runStart && journal.Journal is null)
        {
            older = [Reset($"event {since} is from an earlier run of krust-pm, which kept no journal (journal = false)")];
        }
        else
        {
            older = since + 1 < firstKept ? Older(since, firstKept, replay.Count > 0 ? replay[0].Id : firstKept) : [];
        }

        // After a reset the client's id means nothing here: every new event is sent.
        return new Subscription(this, older, replay, reader, since > lastId && !fromState ? 0 : since);
    }

    /// <summary>
    /// Ends every reader's stream once it has read what it was given (the engine stopped: its shutdown's events were
    /// the last); a later subscription gets its replay and ends.
    /// </summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            foreach (var reader in _readers)
            {
                reader.Complete();
            }
        }
    }

    /// <summary>
    /// The events with ids after <paramref name="since"/> and before <paramref name="firstKept"/>: read from the
    /// journal, lazily, with a gap first when it does not go back that far (or there is none; the gap then counts the
    /// ids before <paramref name="nextDelivered"/>, the first event the history will deliver).
    /// </summary>
    private IEnumerable<ApiEvent> Older(long since, long firstKept, long nextDelivered)
    {
        // Without a journal, the ids before this run's first are of no event here: a gap counts those of this run.
        var next = journal.Journal is null ? Math.Max(since, _runStart) + 1 : since + 1;
        if (journal.Journal is { } file)
        {
            foreach (var record in JournalReader.Records(file.Directory, since, _ => { }))
            {
                if (record.Id >= firstKept)
                {
                    yield break;
                }

                if (record.Id > next)
                {
                    // Ids count the engine's every event, so a gap in them says how many were missed at most.
                    yield return Gap(record.Id - next);
                }

                next = record.Id + 1;
                if (ApiEvents.From(record.Event, record.Id) is { } entry)
                {
                    yield return entry;
                }
            }
        }

        if (next < firstKept)
        {
            yield return Gap(Math.Max(firstKept, nextDelivered) - next);
        }
    }

    private void Leave(Reader reader)
    {
        lock (_lock)
        {
            _readers.Remove(reader);
        }
    }

    private static ApiEvent Gap(long missed) => new(0, DateTimeOffset.UtcNow, "gap") { Missed = missed };

    private static ApiEvent Reset(string reason) => new(0, DateTimeOffset.UtcNow, "reset") { Reason = reason + "; read the state again (GET /api/v1/programs)" };

    /// <summary>One client's place in the feed: the replay it is owed, then its live queue.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed _feed;
        private readonly IEnumerable<ApiEvent> _older;
        private readonly List<ApiEvent> _replay;
        private readonly Reader _reader;

        private readonly long _since;

        internal Subscription(EventFeed feed, IEnumerable<ApiEvent> older, List<ApiEvent> replay, Reader reader, long since)
        {
            _since = since;
            _feed = feed;
            _older = older;
            _replay = replay;
            _reader = reader;
        }

        /// <summary>The events from the journal, then those replayed from the history, then every new one as it comes, until cancelled.</summary>
        public async IAsyncEnumerable<ApiEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var old in _older)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return old;
            }

            foreach (var past in _replay)
            {
                yield return past;
            }

            await foreach (var live in _reader.ReadAllAsync(cancellationToken))
            {
                // Subscribed before a batch older than `since` was numbered: it is behind the client already.
                if (live.Id == 0 || live.Id > _since)
                {
                    yield return live;
                }
            }
        }

        public void Dispose() => _feed.Leave(_reader);
    }

    /// <summary>
    /// One live reader's bounded queue. When it is full the new event is not queued but counted, and the count comes
    /// out as a <c>gap</c> event at the place where the events are missing: queued as soon as there is room again, or
    /// handed to the reader once it has read everything queued, whichever comes first. (The channel waits rather than
    /// drops when full, so that <c>TryWrite</c> says whether the event went in; with <c>DropWrite</c> it always says so.)
    /// </summary>
    internal sealed class Reader(int capacity = ReaderQueue)
    {
        private readonly Channel<ApiEvent> _queue = Channel.CreateBounded<ApiEvent>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        /// <summary>Keeps the count and the queue consistent between the writer and the reader.</summary>
        private readonly Lock _lock = new();

        /// <summary>Events neither queued nor yet counted in a gap.</summary>
        private long _missed;

        /// <summary>No more events: the reader ends once it has read the queued ones.</summary>
        public void Complete()
        {
            lock (_lock)
            {
                _queue.Writer.TryComplete();
            }
        }

        public void Offer(ApiEvent item)
        {
            lock (_lock)
            {
                if (_missed > 0)
                {
                    if (!_queue.Writer.TryWrite(Gap(_missed)))
                    {
                        _missed++;
                        return;
                    }

                    _missed = 0;
                }

                if (!_queue.Writer.TryWrite(item))
                {
                    _missed++;
                }
            }
        }

        public async IAsyncEnumerable<ApiEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (true)
            {
                while (TryTake(out var item))
                {
                    yield return item;
                }

                if (!await _queue.Reader.WaitToReadAsync(cancellationToken))
                {
                    yield break;
                }
            }
        }

        private bool TryTake(out ApiEvent item)
        {
            lock (_lock)
            {
                if (_queue.Reader.TryRead(out item!))
                {
                    return true;
                }

                if (_missed > 0)
                {
                    item = Gap(_missed);
                    _missed = 0;
                    return true;
                }

                return false;
            }
        }
    }
}
