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
    private int _nextPid = 10_000;

    public ConcurrentQueue<LaunchRequest> Launches { get; } = new();

    public ConcurrentQueue<(long RunId, int Signal)> Signals { get; } = new();

    public void Launch(LaunchRequest request, IProcessEvents events)
    {
        Launches.Enqueue(request);
        if (request.Program.Argv[0].Contains("missing", StringComparison.Ordinal))
        {
            events.StartFailed(request.RunId, $"no such file: '{request.Program.Argv[0]}'");
            return;
        }

        _live[request.RunId] = events;
        events.Started(request.RunId, Interlocked.Increment(ref _nextPid));
    }

    public void Signal(long runId, int signal)
    {
        Signals.Enqueue((runId, signal));
        Exit(runId, 128 + signal);
    }

    public void Exit(long runId, int exitCode)
    {
        if (_live.TryRemove(runId, out var events))
        {
            events.Exited(runId, exitCode);
        }
    }
}
