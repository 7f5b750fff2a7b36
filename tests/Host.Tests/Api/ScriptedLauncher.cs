using System.Collections.Concurrent;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// A launcher for API tests: every launch "starts" at once with a made-up pid (a command whose name contains
/// "missing" fails to start instead), a signal ends the run as the signal
/// would, and a test can end a run with any exit code.
/// </summary>
public sealed class ScriptedLauncher : IProcessLauncher
{
    private readonly ConcurrentDictionary<long, IProcessEvents> _live = new();
    private readonly ConcurrentDictionary<long, LaunchRequest> _runs = new();
    private readonly Lock _journalLock = new();
    private readonly List<string> _journal = [];
    private int _nextPid = 10_000;

    public ConcurrentQueue<LaunchRequest> Launches { get; } = new();

    public ConcurrentQueue<(long RunId, int Signal)> Signals { get; } = new();

    /// <summary>Who each of <see cref="Signals"/> was sent to, in the same order.</summary>
    public ConcurrentQueue<SignalTarget> SignalTargets { get; } = new();

    /// <summary>
    /// Whether a signal ends its run at once (the default). When false, runs ignore signals like a program that
    /// traps them: an instance being stopped stays <c>Stopping</c> until the test calls <see cref="Exit"/>.
    /// </summary>
    public bool SignalsEndRuns { get; set; } = true;

    /// <summary>When set, <see cref="Launch"/> waits (bounded) until it is set, holding the engine loop up.</summary>
    public ManualResetEventSlim? LaunchGate { get; set; }

    /// <summary>
    /// Launches and signals in the order the engine asked for them, as <c>"launch program.id"</c> and
    /// <c>"signal program.id SIGNAL"</c>.
    /// </summary>
    public IReadOnlyList<string> Journal
    {
        get
        {
            lock (_journalLock)
            {
                return [.. _journal];
            }
        }
    }

    public void Launch(LaunchRequest request, IProcessEvents events)
    {
        Launches.Enqueue(request);
        _runs[request.RunId] = request;
        Record($"launch {request.Program.Name}.{request.InstanceId}");
        if (LaunchGate is { } gate && !gate.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("The test never opened the launch gate.");
        }

        if (request.Program.Argv[0].Contains("missing", StringComparison.Ordinal))
        {
            events.StartFailed(request.RunId, $"no such file: '{request.Program.Argv[0]}'");
            return;
        }

        _live[request.RunId] = events;
        events.Started(request.RunId, Interlocked.Increment(ref _nextPid));
    }

    public void Signal(long runId, int signal, SignalTarget target = SignalTarget.Group)
    {
        // Read before the signal is recorded, so a test that sees it recorded knows which way it went.
        var ends = SignalsEndRuns || signal == KrustPm.Engine.Signals.Kill;
        Signals.Enqueue((runId, signal));
        SignalTargets.Enqueue(target);
        var run = _runs.TryGetValue(runId, out var request) ? $"{request.Program.Name}.{request.InstanceId}" : $"run {runId}";
        Record($"signal {run} {KrustPm.Engine.Signals.NameOf(signal)}");
        if (ends)
        {
            Exit(runId, 128 + signal);
        }
    }

    /// <summary>Reports that a live run printed its program's ready line.</summary>
    public void PrintReadyLine(long runId, string line)
    {
        if (_live.TryGetValue(runId, out var events))
        {
            events.ReadyLineSeen(runId, line);
        }
    }

    public void Exit(long runId, int exitCode)
    {
        if (_live.TryRemove(runId, out var events))
        {
            events.Exited(runId, exitCode);
        }
    }

    private void Record(string entry)
    {
        lock (_journalLock)
        {
            _journal.Add(entry);
        }
    }
}
