using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Instance indexes (<see cref="InstanceState.Index"/>): a new instance takes the smallest index free among its
/// program's instances and keeps it for its life, so a removed instance's index goes to the next one and indexes stay
/// within 0 to instances-1 (a port range with <see cref="ProgramSpec.PortBase"/>).
/// </summary>
public static partial class Decider
{
    /// <summary>The smallest index no instance of the list holds.</summary>
    private static int FreeIndex(ImmutableArray<InstanceState> instances)
    {
        // Indexes are at most a few thousand (MaxInstances): a small bitmap beats sorting.
        var taken = new bool[instances.Length + 1];
        foreach (var instance in instances)
        {
            if (instance.Index >= 0 && instance.Index < taken.Length)
            {
                taken[instance.Index] = true;
            }
        }

        return Array.IndexOf(taken, false);
    }

    /// <summary>
    /// The instances with unique indexes. A journal written before instances had indexes holds them all at 0: when
    /// krust-pm resumes on it, the oldest instance holding an index keeps it and each later one holding a taken index
    /// gets the smallest free one, in id order. Indexes the decider gave are already unique and do not change.
    /// </summary>
    private static ImmutableArray<InstanceState> UniqueIndexes(ImmutableArray<InstanceState> instances)
    {
        var seen = new HashSet<int>();
        var duplicated = false;
        foreach (var instance in instances)
        {
            duplicated |= !seen.Add(instance.Index);
        }

        if (!duplicated)
        {
            return instances;
        }

        var fixedUp = ImmutableArray.CreateBuilder<InstanceState>(instances.Length);
        seen.Clear();
        foreach (var instance in instances)
        {
            if (seen.Add(instance.Index))
            {
                fixedUp.Add(instance);
            }
            else
            {
                fixedUp.Add(instance with { Index = -1 }); // placeholder until every kept index is known
            }
        }

        for (var n = 0; n < fixedUp.Count; n++)
        {
            if (fixedUp[n].Index < 0)
            {
                fixedUp[n] = fixedUp[n] with { Index = FreeIndex(fixedUp.ToImmutable()) };
            }
        }

        return fixedUp.MoveToImmutable();
    }
}
