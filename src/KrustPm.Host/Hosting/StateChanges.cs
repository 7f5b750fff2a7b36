using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>
/// What changed between two engine states, for the handlers that run on the engine loop after every message (the
/// event feed, the lifecycle log). The reducer replaces only what it changes, so an unchanged program or instance is
/// the very same object before and after: a program whose object is unchanged is skipped whole, and a changed one is
/// compared position by position, by reference. Only instances whose ids moved (a scale-down, a removal, a retiring
/// run that ended) are looked up by id. A message thus costs a pass over the instance array it touched, and
/// allocates in proportion to what changed, not to the number of instances.
/// </summary>
internal static class StateChanges
{
    /// <summary>The programs of <paramref name="after"/> whose object is not the one in <paramref name="before"/>, in order.</summary>
    /// <returns>Each changed program with its state before (<see langword="null"/> when it is new) and after.</returns>
    public static IEnumerable<(ProgramState? Before, ProgramState After)> Programs(EngineState before, EngineState after)
    {
        if (before.Programs == after.Programs)
        {
            yield break; // the same array: no program changed
        }

        for (var index = 0; index < after.Programs.Length; index++)
        {
            var now = after.Programs[index];

            // Programs are only ever added at the end, so a program keeps its place: look there first.
            var was = index < before.Programs.Length && string.Equals(before.Programs[index].Name, now.Name, StringComparison.Ordinal)
                ? before.Programs[index]
                : before.Find(now.Name);
            if (!ReferenceEquals(was, now))
            {
                yield return (was, now);
            }
        }
    }

    /// <summary>
    /// The instances of one program (its <see cref="ProgramState.Instances"/>, then its
    /// <see cref="ProgramState.Retiring"/>) that are new or not the same object as before, in that order, and the
    /// instances that are gone, in their order before. Relies on instance ids being unique within a program.
    /// </summary>
    /// <param name="before">The program before, or <see langword="null"/> when it is new.</param>
    /// <param name="after">The program after.</param>
    public static InstanceChanges Instances(ProgramState? before, ProgramState after)
    {
        var changes = new InstanceChanges();
        if (before is null)
        {
            changes.AddNew(after.Instances);
            changes.AddNew(after.Retiring);
            return changes;
        }

        var instances = Alignment.Of(before.Instances, after.Instances);
        var retiring = Alignment.Of(before.Retiring, after.Retiring);
        var moved = MovedIds(instances, retiring);
        changes.Compare(instances, moved);
        changes.Compare(retiring, moved);
        if (moved is not null)
        {
            changes.AddGone(instances, moved);
            changes.AddGone(retiring, moved);
        }

        return changes;
    }

    /// <summary>The instances before that did not keep their place, by id (the first of an id wins); null when none moved.</summary>
    private static Dictionary<long, InstanceState>? MovedIds(Alignment instances, Alignment retiring)
    {
        if (instances.AllInPlace && retiring.AllInPlace)
        {
            return null;
        }

        var moved = new Dictionary<long, InstanceState>(instances.BeforeMiddle.Length + retiring.BeforeMiddle.Length);
        foreach (var instance in instances.BeforeMiddle)
        {
            moved.TryAdd(instance.Id, instance);
        }

        foreach (var instance in retiring.BeforeMiddle)
        {
            moved.TryAdd(instance.Id, instance);
        }

        return moved;
    }

    /// <summary>
    /// Lines up one instance list before and after: the longest run of equal ids at the start and at the end keep
    /// their place (a change of one instance, a scale-up, a scale-down from the front); what lies between did not.
    /// </summary>
    internal readonly record struct Alignment(ImmutableArray<InstanceState> Before, ImmutableArray<InstanceState> After, int Head, int Tail)
    {
        /// <summary>Whether the list is the very same array (nothing in it changed).</summary>
        public bool Same => Before == After;

        /// <summary>Whether every instance, before and after, kept its place.</summary>
        public bool AllInPlace => Head + Tail == Before.Length && Head + Tail == After.Length;

        /// <summary>The instances before that did not keep their place.</summary>
        public ReadOnlySpan<InstanceState> BeforeMiddle => Before.AsSpan(Head, Before.Length - Head - Tail);

        /// <summary>Whether position <paramref name="index"/> of the list after kept its place (then it is at the same distance from the same end before).</summary>
        public bool InPlace(int index) => index < Head || index >= After.Length - Tail;

        /// <summary>The instance before at the place of position <paramref name="index"/> after; only for a position in place.</summary>
        public InstanceState BeforeAt(int index) => index < Head ? Before[index] : Before[index - After.Length + Before.Length];

        public static Alignment Of(ImmutableArray<InstanceState> before, ImmutableArray<InstanceState> after)
        {
            if (before == after)
            {
                return new Alignment(before, after, before.Length, 0);
            }

            var shorter = Math.Min(before.Length, after.Length);
            var head = 0;
            while (head < shorter && SameId(before[head], after[head]))
            {
                head++;
            }

            var tail = 0;
            while (tail < shorter - head && SameId(before[before.Length - 1 - tail], after[after.Length - 1 - tail]))
            {
                tail++;
            }

            return new Alignment(before, after, head, tail);
        }

        /// <summary>The same instance, or another state of it; the reference test first spares reading every record.</summary>
        private static bool SameId(InstanceState before, InstanceState after) => ReferenceEquals(before, after) || before.Id == after.Id;
    }
}
