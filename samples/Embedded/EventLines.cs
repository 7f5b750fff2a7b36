using KrustPm.Engine;

namespace Embedded;

/// <summary>One line for each engine event worth showing: <c>worker.2 running, pid 1234 (try 1)</c>.</summary>
internal static class EventLines
{
    public static string? Describe(EngineEvent @event) => @event switch
    {
        EngineEvent.Scaled e => $"{e.Program} scaled {e.From} -> {e.To}",
        EngineEvent.InstanceStarted e => $"{e.Program}.{e.Instance} running, pid {e.Pid} (try {e.Try})",
        EngineEvent.StopRequested { Signal: { } signal } e => $"{e.Program}.{e.Instance} stopping: signal {signal} ({e.Reason})",
        EngineEvent.InstanceExited { ExitCode: { } code } e => $"{e.Program}.{e.Instance} exited ({code}): {e.Outcome}",
        EngineEvent.InstanceExited e => $"{e.Program}.{e.Instance} could not start ({e.Error}): {e.Outcome}",
        _ => null,
    };
}
