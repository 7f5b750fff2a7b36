namespace KrustPm.Engine.Journal;

/// <summary>
/// Puts back what JSON does not keep: the ordinal comparers of a specification's tables, and empty lists where a
/// field was left out.
/// </summary>
internal static class JournalSpecs
{
    public static ProgramSpec Normalize(ProgramSpec spec) => spec with
    {
        Argv = spec.Argv.IsDefault ? [] : spec.Argv,
        Environment = spec.Environment.WithComparers(StringComparer.Ordinal),
        DependsOn = spec.DependsOn.WithComparers(StringComparer.Ordinal),
        Readiness = Normalize(spec.Readiness),
        Liveness = Normalize(spec.Liveness),
    };

    public static EngineEvent Normalize(EngineEvent @event) => @event switch
    {
        EngineEvent.ProgramLoaded e => e with { Spec = Normalize(e.Spec) },
        _ => @event,
    };

    public static EngineState Normalize(EngineState state) => state with
    {
        Programs = state.Programs.IsDefault ? [] : [.. state.Programs.Select(Normalize)],
        PendingReplies = state.PendingReplies.IsDefault ? [] : state.PendingReplies,
    };

    private static ProgramState Normalize(ProgramState program) => program with
    {
        Spec = Normalize(program.Spec),
        Instances = program.Instances.IsDefault ? [] : [.. program.Instances.Select(Normalize)],
        Retiring = program.Retiring.IsDefault ? [] : [.. program.Retiring.Select(Normalize)],
    };

    private static InstanceState Normalize(InstanceState instance) =>
        instance.WaitingFor.IsDefault ? instance with { WaitingFor = [] } : instance;

    private static Health.ProbeSpec? Normalize(Health.ProbeSpec? probe) =>
        probe is { Exec.IsDefault: true } ? probe with { Exec = [] } : probe;
}
