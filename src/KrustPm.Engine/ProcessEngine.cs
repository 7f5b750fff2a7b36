using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;

namespace KrustPm.Engine;

/// <summary>
/// The running engine: one channel of messages, one loop that applies them with <see cref="Decider.Decide"/>,
/// publishes each new <see cref="EngineState"/> atomically and carries out the effects through an
/// <see cref="IProcessLauncher"/>. Every method is safe to call from any thread.
/// </summary>
public sealed partial class ProcessEngine : IAsyncDisposable
{
    /// <summary>At most this many messages are applied before the state is published and effects run.</summary>
    private const int MaxBatch = 1024;

    /// <summary>
    /// How many commands may wait in the channel. Past it, a command is refused at once as
    /// <see cref="RejectionKind.Busy"/>; events from the launcher are never refused, so nothing that happened is lost.
    /// </summary>
    public const int MaxQueuedCommands = 4096;

    private readonly Channel<Message> _inbox =
        Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<long, TaskCompletionSource<CommandResult>> _requests = new();
    private readonly ConcurrentDictionary<long, TimerSlot> _timers = new();
    private readonly IProcessLauncher _launcher;
    private readonly Health.IProbeRunner _probes;
    private readonly TimeProvider _time;
    private readonly LauncherEvents _events;
    private readonly Lock _startLock = new();
    private readonly Random? _random;
    private readonly Journal.IJournal? _journal;
    private EngineState _state;
    private TaskCompletionSource _published = NewSignal();
    private long _nextRequestId;
    private int _queuedCommands;
    private long _nextTimerId;
    private Task? _loop;
    private Task? _stopping;

    /// <summary>Creates an engine; call <see cref="Start"/> to run it.</summary>
    /// <param name="launcher">Carries out launches and signals.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="random">The source of backoff jitter; a shared one when <see langword="null"/>.</param>
    /// <param name="probes">Runs readiness and liveness probes; <see cref="Health.ProbeRunner"/> when <see langword="null"/>.</param>
    public ProcessEngine(IProcessLauncher launcher, TimeProvider? time = null, Random? random = null, Health.IProbeRunner? probes = null)
        : this(launcher, new EngineOptions { Time = time, Random = random, Probes = probes })
    {
    }

    /// <summary>Creates an engine; call <see cref="Start"/> to run it.</summary>
    /// <param name="launcher">Carries out launches and signals.</param>
    /// <param name="options">Its clock, jitter, probe runner, journal and starting state.</param>
    public ProcessEngine(IProcessLauncher launcher, EngineOptions options)
    {
        _launcher = launcher;
        _time = options.Time ?? TimeProvider.System;
        _probes = options.Probes ?? new Health.ProbeRunner(_time);
        _random = options.Random;
        _journal = options.Journal;
        _state = options.Start ?? EngineState.Empty;
        _events = new LauncherEvents(this);
    }

    /// <summary>The latest published state. Never locks; always a consistent snapshot.</summary>
    public EngineState State => Volatile.Read(ref _state);

    /// <summary>How many commands wait in the engine's queue now (not yet decided).</summary>
    public int QueuedCommands => Volatile.Read(ref _queuedCommands);

    /// <summary>
    /// Raised on the engine loop for each applied message, with the events it led to, after the state is published.
    /// Handlers must be quick. A handler that throws does not stop the engine: the exception is caught, reported
    /// through <see cref="AppliedHandlerFailed"/>, and the other handlers still run.
    /// </summary>
    public event Action<AppliedMessage>? Applied;

    /// <summary>
    /// Raised on the engine loop when an <see cref="Applied"/> handler throws, with the message it was handling and
    /// the exception; the loop goes on. An exception thrown by a handler of this event is ignored.
    /// </summary>
    public event Action<AppliedMessage, Exception>? AppliedHandlerFailed;

    /// <summary>Completes when the engine loop ends (after <see cref="StopAsync"/>), or faults if it failed.</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Starts the engine loop. Calling it again does nothing.</summary>
    public void Start()
    {
        lock (_startLock)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    /// <summary>Starts supervising programs: their instances are launched.</summary>
    /// <param name="programs">The programs, in order; names must be new.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The engine's answer: how many instances were added, or why nothing was.</returns>
    public Task<CommandResult> LoadAsync(IEnumerable<ProgramSpec> programs, CancellationToken cancellationToken = default)
    {
        var list = programs.ToImmutableArray();
        return SendAsync((id, at) => new Message.Load(list, id, at), cancellationToken);
    }

    /// <summary>
    /// Supervises the configuration's programs on top of the state the engine started from (see
    /// <see cref="EngineOptions.Start"/>): what was decided at run time is kept for every program whose specification
    /// did not change (see <see cref="Message.Restore"/>). On an empty state it is <see cref="LoadAsync"/>.
    /// </summary>
    /// <param name="programs">The programs, in order.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The engine's answer: how many instances were launched, or why nothing was.</returns>
    public Task<CommandResult> RestoreAsync(IEnumerable<ProgramSpec> programs, CancellationToken cancellationToken = default)
    {
        var list = programs.ToImmutableArray();
        return SendAsync((id, at) => new Message.Restore(list, id, at), cancellationToken);
    }

    /// <summary>
    /// Applies a new configuration to the running programs without touching what did not change (see
    /// <see cref="Message.Reload"/>); the answer carries the plan it applied (<see cref="CommandResult.Plan"/>).
    /// </summary>
    /// <param name="programs">The new configuration's programs, in order.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The engine's answer, with the plan; or why nothing was changed.</returns>
    public Task<CommandResult> ReloadAsync(IEnumerable<ProgramSpec> programs, CancellationToken cancellationToken = default)
    {
        var list = programs.ToImmutableArray();
        return SendAsync((id, at) => new Message.Reload(list, id, at), cancellationToken);
    }

    /// <summary>
    /// What a reload of <paramref name="programs"/> would do now, without doing it (a dry run): the plan of
    /// <see cref="ReloadPlanner"/> on the latest published state.
    /// </summary>
    /// <param name="programs">The new configuration's programs, in order.</param>
    /// <returns>The plan.</returns>
    public ReloadPlan PlanReload(IEnumerable<ProgramSpec> programs) => ReloadPlanner.Plan(State, [.. programs]);

    /// <summary>
    /// Sets the number of instances of a program. New instances get new ids; scaling down removes the oldest
    /// instances, and the answer comes once their processes have exited.
    /// </summary>
    /// <param name="program">The program's name.</param>
    /// <param name="to">The wanted number of instances.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The engine's answer: how many instances were added or removed, or why nothing was.</returns>
    public Task<CommandResult> ScaleAsync(string program, int to, CancellationToken cancellationToken = default) =>
        SendAsync((id, at) => new Message.Scale(program, to, id, at), cancellationToken);

    /// <summary>Stops a program's instances, or one; they stay listed as stopped.</summary>
    /// <param name="program">The program's name.</param>
    /// <param name="instance">One instance, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The answer, once the stopped processes have exited: how many instances were stopped.</returns>
    public Task<CommandResult> StopInstancesAsync(string program, long? instance = null, CancellationToken cancellationToken = default) =>
        SendAsync((id, at) => new Message.StopInstances(program, instance, id, at), cancellationToken);

    /// <summary>Starts a program's instances that are not running (stopped, done, failed, in backoff), or one.</summary>
    /// <param name="program">The program's name.</param>
    /// <param name="instance">One instance, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The answer: how many instances were started.</returns>
    public Task<CommandResult> StartInstancesAsync(string program, long? instance = null, CancellationToken cancellationToken = default) =>
        SendAsync((id, at) => new Message.StartInstances(program, instance, id, at), cancellationToken);

    /// <summary>Restarts a program's instances, or one; <paramref name="rolling"/> restarts them one at a time.</summary>
    /// <param name="program">The program's name.</param>
    /// <param name="instance">One instance, or <see langword="null"/> for all.</param>
    /// <param name="rolling">Restart one instance at a time, each once the previous one's new run is ready.</param>
    /// <param name="wait">
    /// Answer once every restart is done (the default); <see langword="false"/>: answer as soon as the command is
    /// applied, and let the restart go on.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies, and a rolling restart goes on).</param>
    /// <returns>
    /// The answer, once every restart is done: how many instances were restarted; for a rolling restart that stopped
    /// part-way, a <see cref="CommandResult.Failure"/> saying where and why.
    /// </returns>
    public Task<CommandResult> RestartInstancesAsync(
        string program, long? instance = null, bool rolling = false, bool wait = true, CancellationToken cancellationToken = default) =>
        SendAsync((id, at) => new Message.RestartInstances(program, instance, rolling, id, at) { Wait = wait }, cancellationToken);

    /// <summary>Stops one instance and removes it from its program.</summary>
    /// <param name="program">The program's name.</param>
    /// <param name="instance">The instance.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The answer, once its process has exited.</returns>
    public Task<CommandResult> RemoveInstanceAsync(string program, long instance, CancellationToken cancellationToken = default) =>
        SendAsync((id, at) => new Message.RemoveInstance(program, instance, id, at), cancellationToken);

    /// <summary>Sends a signal to the process groups (or main processes) of a program's running instances, or one.</summary>
    /// <param name="program">The program's name.</param>
    /// <param name="signal">The signal number.</param>
    /// <param name="instance">One instance, or <see langword="null"/> for all running ones.</param>
    /// <param name="target">
    /// Who receives it: each instance's whole process group or its main process; <see langword="null"/> for the
    /// program's <see cref="ProgramSpec.StopSignalTarget"/>.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command still applies).</param>
    /// <returns>The answer: how many instances were signalled.</returns>
    public Task<CommandResult> SignalAsync(
        string program, int signal, long? instance = null, SignalTarget? target = null, CancellationToken cancellationToken = default) =>
        SendAsync((id, at) => new Message.SignalInstances(program, instance, signal, id, at) { Target = target }, cancellationToken);

    /// <summary>
    /// Reports the resident memory of a run's processes, as sampled (for <see cref="ProgramSpec.MaxMemory"/>): two
    /// samples in a row above the limit restart the run. Not a command: nothing answers it.
    /// </summary>
    /// <param name="runId">The run (<see cref="InstanceState.RunId"/>) sampled.</param>
    /// <param name="bytes">The resident memory of all of its processes.</param>
    public void ReportMemory(long runId, long bytes) => Post(new Message.MemorySampled(runId, bytes, _time.GetUtcNow()));

    /// <summary>
    /// Stops every instance (stop signal, then SIGKILL after the program's stop timeout), waits until every
    /// process has exited, and ends the engine loop.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (processes that are stopping keep their timeouts).</param>
    /// <returns>A task that completes when everything has exited and the loop has ended.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stopping;
        lock (_startLock)
        {
            if (_loop is null)
            {
                return Task.CompletedTask;
            }

            // Every caller (the host's lifetime, a DI container disposing the engine) waits for the same stop.
            _stopping ??= StopOnceAsync(_loop);
            stopping = _stopping;
        }

        return stopping.WaitAsync(cancellationToken);
    }

    private async Task StopOnceAsync(Task loop)
    {
        if (!loop.IsCompleted)
        {
            await SendAsync((id, at) => new Message.Shutdown(id, at), CancellationToken.None).ConfigureAwait(false);
            _inbox.Writer.TryComplete();
        }

        await loop.ConfigureAwait(false);
    }

    /// <summary>Waits until the published state satisfies a condition, and returns that state.</summary>
    /// <param name="condition">The condition; called on published states.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The first published state that satisfies the condition.</returns>
    public async Task<EngineState> WaitForAsync(Func<EngineState, bool> condition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var next = Volatile.Read(ref _published).Task;
            var state = State;
            if (condition(state))
            {
                return state;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the engine as <see cref="StopAsync"/> does.</summary>
    /// <returns>A task that completes when everything has exited.</returns>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<CommandResult> SendAsync(Func<long, DateTimeOffset, Message> create, CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            throw new InvalidOperationException("The engine is not started: call Start() first.");
        }

        var id = Interlocked.Increment(ref _nextRequestId);
        var message = create(id, _time.GetUtcNow());
        if (Interlocked.Increment(ref _queuedCommands) > MaxQueuedCommands && message is not Message.Shutdown)
        {
            Interlocked.Decrement(ref _queuedCommands);
            return Task.FromResult(CommandResult.Rejected(RejectionKind.Busy, "krust-pm has too many commands waiting; try again shortly."));
        }

        var answer = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = answer;
        if (!_inbox.Writer.TryWrite(message))
        {
            Interlocked.Decrement(ref _queuedCommands);
            _requests.TryRemove(id, out _);
            throw new InvalidOperationException("The engine has stopped.");
        }

        return answer.Task.WaitAsync(cancellationToken);
    }

    private void Post(Message message) => _inbox.Writer.TryWrite(message);

    private double NextJitter()
    {
        if (_random is null)
        {
            return Random.Shared.NextDouble();
        }

        lock (_random)
        {
            return _random.NextDouble();
        }
    }
}
