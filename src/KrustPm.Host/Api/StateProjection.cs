using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>Turns the engine's snapshot into the API's views.</summary>
internal static class StateProjection
{
    public static List<ProgramView> Programs(EngineState state, Func<ProgramState, bool>? keep = null)
    {
        var views = new List<ProgramView>(state.Programs.Length);
        foreach (var program in state.Programs)
        {
            if (keep is null || keep(program))
            {
                views.Add(Program(state, program));
            }
        }

        return views;
    }

    private static ProgramView Program(EngineState state, ProgramState program) => new(
        program.Name,
        program.Spec.Command,
        state.ShuttingDown ? "Stopping" : "Started",
        program.Instances.Length,
        program.Instances.Select(Instance).ToList());

    private static InstanceView Instance(InstanceState instance) => new(instance.Id, instance.CurrentTry, instance.Status.ToString())
    {
        ConsecutiveFailures = instance.ConsecutiveFailures,
        Pid = instance.Pid,
        StartedAt = instance.StartedAt,
        ExitedAt = instance.ExitedAt,
        LastExitCode = instance.LastExitCode,
        LastError = instance.LastError,
        NextTryAt = instance.NextTryAt,
    };
}
