using KrustPm.Engine.Journal;
using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests.Journal;

/// <summary>
/// The engine and its journal: every event is recorded once per batch, before the batch's effects are carried out
/// (written ahead), with ids that follow one another; the records rebuild the published state; and an engine started
/// on a restored state goes on numbering where the journal stopped.
/// </summary>
public sealed class ProcessEngineJournalTests : IAsyncDisposable
{
    private readonly FakeLauncher _launcher = new() { ExitOnSignal = true };
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public ProcessEngineJournalTests() => _timeout.CancelAfter(TimeSpan.FromSeconds(20));

    private CancellationToken Token => _timeout.Token;

    public ValueTask DisposeAsync()
    {
        _timeout.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Every_batch_is_journaled_before_its_effects_and_the_records_rebuild_the_state()
    {
        var journal = new WriteAhead(_launcher);
        await using var engine = new ProcessEngine(_launcher, EngineOptions.Default with { Time = new FakeTimeProvider(Epoch), Journal = journal });
        engine.Start();

        await engine.LoadAsync([Spec("web", instances: 3, maxInstances: 10)], Token);
        _launcher.Start(1, Pid(1));
        _launcher.Exit(2, 1);
        await engine.ScaleAsync("web", 5, Token);
        await engine.StopInstancesAsync("web", 0, Token);
        var state = await engine.WaitForAsync(s => s.Find("web")!.Instances.Length == 5 && s.Find("web")!.Instances[0].Status == InstanceStatus.Stopped, Token);

        Assert.Empty(journal.Problems);
        var records = journal.Records;
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Id));
        Assert.Equal(StateView.Facts(state), StateView.Facts(JournalFold.Fold(EngineState.Empty, records.Where(r => r.Version <= state.Version))));
    }

    [Fact]
    public async Task An_engine_started_on_a_restored_state_goes_on_with_its_versions_ids_and_runs()
    {
        var first = new InMemoryJournal();
        await using (var engine = new ProcessEngine(_launcher, EngineOptions.Default with { Time = new FakeTimeProvider(Epoch), Journal = first }))
        {
            engine.Start();
            await engine.LoadAsync([Spec("web", instances: 2, maxInstances: 10)], Token);
            await engine.ScaleAsync("web", 4, Token);
        }

        var previous = first.Fold();
        var second = new InMemoryJournal(previous);
        await using var restarted = new ProcessEngine(_launcher, EngineOptions.Default with { Time = new FakeTimeProvider(Epoch), Journal = second, Start = previous });
        restarted.Start();
        var answer = await restarted.RestoreAsync([Spec("web", instances: 2, maxInstances: 10)], Token);

        Assert.True(answer.Accepted, answer.Reason);
        var state = restarted.State;
        Assert.Equal(4, state.Find("web")!.Instances.Length);
        Assert.Equal(previous.LastEventId + 1, second.Records[0].Id);
        Assert.Equal(previous.Version + 1, second.Records[0].Version);
        Assert.All(state.Find("web")!.Instances, i => Assert.True(i.RunId > previous.NextRunId - 1));
        Assert.Equal(StateView.Facts(state), StateView.Facts(second.Fold()));
    }

    /// <summary>A journal that checks, at each batch, that none of the batch's launches has reached the launcher yet.</summary>
    private sealed class WriteAhead(FakeLauncher launcher) : IJournal
    {
        private readonly InMemoryJournal _inner = new();

        public List<string> Problems { get; } = [];

        public IReadOnlyList<JournalRecord> Records => _inner.Records;

        public void Append(IReadOnlyList<JournalRecord> records, EngineState after)
        {
            var launched = launcher.Launches.Select(l => l.RunId).ToHashSet();
            foreach (var record in records)
            {
                if (record.Event is EngineEvent.InstanceLaunched l && launched.Contains(l.RunId))
                {
                    Problems.Add($"run {l.RunId} was launched before its event was journaled");
                }
            }

            _inner.Append(records, after);
        }
    }
}
