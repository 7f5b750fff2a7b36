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

    /// <summary>
    /// Whether a reload dropped the program from the configuration: its instances are being stopped, and it is removed
    /// once none runs.
    /// </summary>
    public bool Removing { get; init; }

    /// <summary>A rolling restart in progress, if any.</summary>
    public RollingRestart? Rolling { get; init; }

    /// <summary>
    /// The next tick of the program's <see cref="ProgramSpec.CronRestart"/> or <see cref="ProgramSpec.Schedule"/>, once
    /// armed; <see langword="null"/> without one (or when the expression has no next tick).
    /// </summary>
    public DateTimeOffset? NextScheduleAt { get; init; }

    /// <summary>The program's name.</summary>
    [JsonIgnore]
    public string Name => Spec.Name;

    /// <summary>Finds an instance by id.</summary>
    /// <param name="id">The instance id.</param>
    /// <returns>The instance, or <see langword="null"/> when the program has none of that id.</returns>
    public InstanceState? Find(long id) => Instances.FirstOrDefault(i => i.Id == id);
}

/// <summary>
/// A rolling restart: one instance at a time. The next instance is restarted only once the current one's new run is
/// ready (its readiness probe passed or its ready line was seen, when the program has either; else once it has run
/// for the program's minimum uptime). A new run that fails first ends it, and the instances not reached yet are left
/// as they were.
/// </summary>
/// <param name="RequestId">The request it answers.</param>
/// <param name="Current">The instance being restarted now.</param>
/// <param name="Remaining">The instances still to restart, in order.</param>
/// <param name="Count">How many instances it restarts in all.</param>
public sealed record RollingRestart(long RequestId, long Current, ImmutableQueue<long> Remaining, int Count)
{
    /// <summary>
    /// Whether the request is answered when the rolling restart ends (complete or not); <see langword="false"/> when
    /// it was answered as soon as it began (<see cref="Message.RestartInstances.Wait"/>).
    /// </summary>
    public bool AnswerAtEnd { get; init; } = true;

    /// <summary>
    /// The current instance's new run, once it is launched; <see langword="null"/> while its previous run is being
    /// stopped or while it waits for its dependencies.
    /// </summary>
    public long? Run { get; init; }

    /// <summary>The instances restarted so far (each new run became ready), in order.</summary>
    public ImmutableArray<long> Restarted { get; init; } = [];
}
