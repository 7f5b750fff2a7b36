using KrustPm.Engine;

namespace KrustPm.Benchmarks;

/// <summary>
/// A launcher without processes: every launch reports Started at once (from the engine loop, as the real launcher
/// does once its fork returns), a signal ends the run at once, and <see cref="ExitAll"/> plays a burst of exits.
/// Knows the current run of each instance of the one program (instance ids 0 to N − 1, as a load gives them).
/// </summary>
public sealed class InstantLauncher(int instances) : IProcessLauncher
{
    private readonly long[] _runOf = new long[instances];
    private IProcessEvents? _events;

    public void Launch(LaunchRequest request, IProcessEvents events)
    {
        _events = events;

        // Written on the engine loop before Started is posted; read by ExitAll only after the state shows that
        // Started applied, so the channel's and the snapshot's barriers order the two.
        _runOf[request.InstanceId] = request.RunId;
        events.Started(request.RunId, Fixtures.Pid(request.RunId));
    }

    public void Signal(long runId, int signal) => _events?.Exited(runId, 128 + signal);

    /// <summary>Reports, from the calling thread, that the current run of every instance exited with code 1.</summary>
    public void ExitAll()
    {
        var events = _events ?? throw new InvalidOperationException("Nothing was launched yet.");
        foreach (var run in _runOf)
        {
            events.Exited(run, 1);
        }
    }
}
