using System.Threading.Channels;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>Collects a launcher's reports so a test can await them, in order, with a time limit.</summary>
internal sealed class RecordingEvents : IProcessEvents
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    public int? Pid { get; private set; }

    /// <summary>Every pid reported as started.</summary>
    public List<int> Pids { get; } = [];

    public void Started(long runId, int pid)
    {
        Pid = pid;
        lock (Pids)
        {
            Pids.Add(pid);
        }

        _events.Writer.TryWrite($"started {runId}");
    }

    public void StartFailed(long runId, string reason) => _events.Writer.TryWrite($"failed {runId}: {reason}");

    public void StartDeferred(long runId, string reason) => _events.Writer.TryWrite($"deferred {runId}: {reason}");

    public void Exited(long runId, int exitCode) => _events.Writer.TryWrite($"exited {runId}: {exitCode}");

    public void ReadyLineSeen(long runId, string line) => _events.Writer.TryWrite($"ready {runId}: {line}");

    public async Task<string> NextAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _events.Reader.ReadAsync(limit.Token);
    }
}
