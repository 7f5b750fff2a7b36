using System.Collections.Immutable;
using System.Text.Json.Serialization;

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

    /// <summary>A rolling restart in progress, if any.</summary>
    public RollingRestart? Rolling { get; init; }

    /// <summary>The program's name.</summary>
    [JsonIgnore]
    public string Name => Spec.Name;

    /// <summary>Finds an instance by id.</summary>
    /// <param name="id">The instance id.</param>
    /// <returns>The instance, or <see langword="null"/> when the program has none of that id.</returns>
    public InstanceState? Find(long id) => Instances.FirstOrDefault(i => i.Id == id);
}

/// <summary>A rolling restart: one instance at a time, the next once the current one runs again.</summary>
/// <param name="RequestId">The request to answer when it is done.</param>
/// <param name="Current">The instance being restarted now.</param>
/// <param name="Remaining">The instances still to restart, in order.</param>
/// <param name="Count">How many instances it restarts in all.</param>
public sealed record RollingRestart(long RequestId, long Current, ImmutableQueue<long> Remaining, int Count);
