namespace KrustPm.Engine.Tests;

/// <summary>
/// An <see cref="IProcessLauncher"/> without processes: it records launches and signals, and the test plays the
/// operating system by reporting <see cref="Start"/> and <see cref="Exit"/> through the events the engine gave it.
/// </summary>
internal sealed class FakeLauncher : IProcessLauncher
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (LaunchRequest Request, IProcessEvents Events)> _alive = [];
    private readonly List<LaunchRequest> _launches = [];
    private readonly List<(long RunId, int Signal)> _signals = [];
    private readonly List<SignalTarget> _signalTargets = [];
    private readonly Dictionary<(long RunId, int Signal), TaskCompletionSource> _signalWaiters = [];
    private readonly TaskCompletionSource _launchHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _hold;

    /// <summary>When set, a signal makes the fake process exit at once with 128 + the signal.</summary>
    public bool ExitOnSignal { get; set; }

    /// <summary>When set, <see cref="Launch"/> throws with this message (a misbehaving launcher).</summary>
    public string? ThrowOnLaunch { get; set; }

    public IReadOnlyList<LaunchRequest> Launches
    {
        get
        {
            lock (_lock)
            {
                return [.. _launches];
            }
        }
    }

    public IReadOnlyList<(long RunId, int Signal)> Signals
    {
        get
        {
            lock (_lock)
            {
                return [.. _signals];
            }
        }
    }

    /// <summary>Who each of <see cref="Signals"/> was sent to, in the same order.</summary>
    public IReadOnlyList<SignalTarget> SignalTargets
    {
        get
        {
            lock (_lock)
            {
                return [.. _signalTargets];
            }
        }
    }

    public IReadOnlyList<long> AliveRuns
    {
        get
        {
            lock (_lock)
            {
                return [.. _alive.Keys.Order()];
            }
        }
    }

    public void Launch(LaunchRequest request, IProcessEvents events)
    {
        if (ThrowOnLaunch is { } message)
        {
            throw new InvalidOperationException(message);
        }

        TaskCompletionSource? hold;
        lock (_lock)
        {
            _launches.Add(request);
            _alive[request.RunId] = (request, events);
            hold = _hold;
        }

        // A slow launch: the engine loop waits here (bounded, so a test that forgets to release fails instead of hanging).
        if (hold is not null)
        {
            _launchHeld.TrySetResult();
            if (!hold.Task.Wait(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"The launch of run {request.RunId} was held and never released.");
            }
        }
    }

    /// <summary>Makes launches block, and the engine loop with them, until <see cref="ReleaseLaunches"/>.</summary>
    public void HoldLaunches()
    {
        lock (_lock)
        {
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets held launches (and later ones) go on.</summary>
    public void ReleaseLaunches()
    {
        TaskCompletionSource? hold;
        lock (_lock)
        {
            (hold, _hold) = (_hold, null);
        }

        hold?.TrySetResult();
    }

    /// <summary>Completes once a launch is held (the run is already launched, so it can be reported).</summary>
    public Task LaunchHeldAsync(CancellationToken cancellationToken) => _launchHeld.Task.WaitAsync(cancellationToken);

    public void Signal(long runId, int signal, SignalTarget target = SignalTarget.Group)
    {
        bool alive;
        lock (_lock)
        {
            _signals.Add((runId, signal));
            _signalTargets.Add(target);
            alive = _alive.ContainsKey(runId);
            Waiter(runId, signal).TrySetResult();
        }

        if (alive && ExitOnSignal)
        {
            Exit(runId, 128 + signal);
        }
    }

    /// <summary>Completes once the engine has sent <paramref name="signal"/> to <paramref name="runId"/>.</summary>
    public Task SignalledAsync(long runId, int signal, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Waiter(runId, signal).Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reports that the run's process exists.</summary>
    public void Start(long runId, int pid) => EventsOf(runId, remove: false).Started(runId, pid);

    /// <summary>Reports that the run was not started: krust-pm lacked a resource of its own.</summary>
    public void Defer(long runId, string reason) => EventsOf(runId, remove: true).StartDeferred(runId, reason);

    /// <summary>Reports that the run's process exited.</summary>
    public void Exit(long runId, int exitCode) => EventsOf(runId, remove: true).Exited(runId, exitCode);

    private IProcessEvents EventsOf(long runId, bool remove)
    {
        lock (_lock)
        {
            if (!_alive.TryGetValue(runId, out var run))
            {
                throw new InvalidOperationException($"Run {runId} was never launched, or has already exited.");
            }

            if (remove)
            {
                _alive.Remove(runId);
            }

            return run.Events;
        }
    }

    private TaskCompletionSource Waiter(long runId, int signal)
    {
        if (!_signalWaiters.TryGetValue((runId, signal), out var waiter))
        {
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _signalWaiters[(runId, signal)] = waiter;
        }

        return waiter;
    }
}
