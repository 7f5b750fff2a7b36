using KrustPm.Engine.Health;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Reports a run's ready line (<see cref="ProgramSpec.ReadyLogLine"/>) to the engine: only after the run's start has
/// been reported (the output copies may see the line first), and never after its exit (<see cref="Stop"/> is called
/// before the exit is reported, and waits for a report in progress).
/// </summary>
internal sealed class ReadyLineReport
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReadyLineReport(string pattern, long runId, IProcessEvents events) =>
        Watcher = new ReadyLineWatcher(pattern, line =>
        {
            _started.Task.Wait();
            events.ReadyLineSeen(runId, line);
        });

    /// <summary>What the output copies feed.</summary>
    public ReadyLineWatcher Watcher { get; }

    /// <summary>Makes the report for a run whose program has a ready line and whose output is read.</summary>
    /// <returns>Whether the run can start: not when the pattern is invalid (reported as a start failure).</returns>
    public static bool TryCreate(LaunchRequest request, bool outputRead, IProcessEvents events, out ReadyLineReport? report)
    {
        report = null;
        if (!outputRead || request.Program.ReadyLogLine is not { } pattern)
        {
            return true;
        }

        try
        {
            report = new ReadyLineReport(pattern, request.RunId, events);
            return true;
        }
        catch (ArgumentException invalid)
        {
            events.StartFailed(request.RunId, $"ready_log_line is not a valid regular expression: {invalid.Message}");
            return false;
        }
    }

    /// <summary>The run's start has been reported: a line seen may be reported from now on.</summary>
    public void StartReported() => _started.TrySetResult();

    /// <summary>Stops looking; once this returns no report is in progress or will come.</summary>
    public void Stop()
    {
        _started.TrySetResult(); // a report waiting for the start must not hold Stop up
        Watcher.Stop();
    }
}
