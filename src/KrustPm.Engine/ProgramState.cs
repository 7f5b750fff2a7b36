using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>One supervised program and its instances. Immutable.</summary>
/// <param name="Spec">The program's specification.</param>
/// <param name="Instances">The instances, oldest (lowest id) first.</param>
/// <param name="NextInstanceId">The id the next new instance gets; ids grow forever.</param>
public sealed record ProgramState(ProgramSpec Spec, ImmutableArray<InstanceState> Instances, long NextInstanceId)
{
    /// <summary>
    /// Instances removed by a scale-down whose processes are still being stopped. They no longer count as
    /// instances of the program; they are kept only until their processes have exited.
    /// </summary>
    public ImmutableArray<InstanceState> Retiring { get; init; } = [];

    /// <summary>The program's name.</summary>
    public string Name => Spec.Name;
}
