using KrustPm.Engine.Health;

namespace KrustPm.Engine.Tests;

/// <summary>
/// An <see cref="IProbeRunner"/> without probes: it records what the engine asks for, and the test decides each
/// outcome with <see cref="Report"/>.
/// </summary>
internal sealed class FakeProbeRunner : IProbeRunner
{
    private readonly Lock _lock = new();
    private readonly List<ProbeRequest> _requests = [];
    private readonly Dictionary<ProbeRequest, Action<ProbeRequest, ProbeOutcome>> _pending = [];
    private TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ProbeRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public void Run(ProbeRequest request, Action<ProbeRequest, ProbeOutcome> report)
    {
        lock (_lock)
        {
            _requests.Add(request);
            _pending[request] = report;
            _requested.TrySetResult();
        }
    }

    /// <summary>Completes once the engine has asked for <paramref name="count"/> probes in all.</summary>
    public async Task<ProbeRequest> RequestedAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_lock)
            {
                if (_requests.Count >= count)
                {
                    return _requests[count - 1];
                }

                if (_requested.Task.IsCompleted)
                {
                    _requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                next = _requested.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reports the outcome of a probe the engine asked for (once).</summary>
    public void Report(ProbeRequest request, bool passed, string detail, DateTimeOffset at)
    {
        Action<ProbeRequest, ProbeOutcome> report;
        lock (_lock)
        {
            if (!_pending.Remove(request, out report!))
            {
                throw new InvalidOperationException($"Probe {request} was never asked for, or was already reported.");
            }
        }

        report(request, new ProbeOutcome(passed, detail, at));
    }
}
