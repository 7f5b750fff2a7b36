using KrustPm.Engine;
using KrustPm.Host.Hosting;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>krust-pm's own shortage is logged once when it begins and once when it ends, never per instance or per try.</summary>
public sealed class ResourceShortageLogTests
{
    private const string Reason = "krust-pm is short of file descriptors: 990 of 1024 open (RLIMIT_NOFILE), 64 kept for krust-pm itself";
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void A_shortage_is_logged_once_when_the_first_instance_waits_and_once_when_the_last_one_has_started()
    {
        var log = new EngineEventLog(_logger);
        var state = Decider.Reduce(EngineState.Empty, new Message.Load([Spec("web", 3)], 1, At(0))).State;

        // Three launches deferred, then each one tried again and deferred again, twice.
        foreach (var run in new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })
        {
            var step = Apply(state, new Message.StartDeferred(run, Reason, At((int)run)));
            log.OnApplied(step.Applied);
            state = step.After;
            var waiting = state.Programs[0].Instances.First(i => i.Status is InstanceStatus.Backoff && i.NextTryAt is not null && !Launched(state, i));
            state = Decider.Reduce(state, new Message.RetryDue("web", waiting.Id, waiting.CurrentTry, waiting.NextTryAt!.Value)).State;
        }

        Assert.Equal([$"out of resources: {Reason}; 1 instance(s) wait for them (not counted as failures; each tries again within 10 s)"], _logger.Lines);

        foreach (var run in LiveRuns(state).ToList())
        {
            var step = Apply(state, new Message.Started(run, Pid(run), At(20_000)));
            log.OnApplied(step.Applied);
            state = step.After;
        }

        Assert.True(_logger.Lines.Count == 5, string.Join("\n", _logger.Lines)); // the shortage, three starts and its end
        Assert.Equal("resources are back: every instance that waited for them has started (short for 19 s)", _logger.Lines[^1]);
    }

    private static bool Launched(EngineState state, InstanceState instance) => instance.IsLive;
}
