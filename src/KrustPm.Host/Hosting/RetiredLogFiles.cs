using KrustPm.Engine;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Closes the log files of instances that are gone for good: removed (scaled down, deleted) once their last run has
/// ended, or their program removed by a reload. Without it every instance ever run kept two descriptors open.
/// </summary>
internal sealed class RetiredLogFiles(ProcessEngine engine, OutputStore output)
{
    public void OnApplied(AppliedMessage applied)
    {
        foreach (var @event in applied.Events)
        {
            switch (@event)
            {
                case EngineEvent.ProgramRemoved e:
                    output.Forget(e.Program);
                    break;
                case EngineEvent.InstanceRemoved e when Gone(e.Program, e.Instance):
                    output.Forget(e.Program, e.Instance);
                    break;
                case EngineEvent.InstanceExited { Outcome: ExitOutcome.Removed } e when Gone(e.Program, e.Instance):
                    output.Forget(e.Program, e.Instance);
                    break;
            }
        }
    }

    /// <summary>Whether the instance is neither listed nor retiring (a live one removed stays retiring until its run ends).</summary>
    private bool Gone(string program, long instance) =>
        engine.State.Find(program) is not { } state
        || (state.Find(instance) is null && state.Retiring.All(i => i.Id != instance));
}
