using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>One message the engine applied, with the states before and after it, and the effects it asked for.</summary>
/// <param name="Message">The message.</param>
/// <param name="Before">The state it was applied to.</param>
/// <param name="After">The state it produced.</param>
/// <param name="Effects">The effects it produced (a command's <see cref="Effect.Reply"/> among them).</param>
public sealed record AppliedMessage(Message Message, EngineState Before, EngineState After, ImmutableArray<Effect> Effects)
{
    /// <summary>Whether a reply produced by this message refused its command.</summary>
    public bool Refused => Effects.OfType<Effect.Reply>().Any(reply => !reply.Result.Accepted);

    /// <summary>Finds the program and instance a run belongs to, before or after the message.</summary>
    /// <param name="runId">The run.</param>
    /// <returns>The program's name and the instance as it is after the message, or <see langword="null"/>.</returns>
    public (string Program, InstanceState Instance)? FindRun(long runId)
    {
        // Runs on the engine loop for every message a host logs: plain loops, no allocation, and the instance after
        // is looked for at its old place first, so the cost is one pass over the instances before.
        for (var p = 0; p < Before.Programs.Length; p++)
        {
            var program = Before.Programs[p];
            var index = IndexOfRun(program.Instances, runId);
            var instance = index >= 0 ? program.Instances[index] : FindRunIn(program.Retiring, runId);
            if (instance is not null)
            {
                var now = InstancesAfter(p, program.Name) is { } after ? FindId(after, instance.Id, index) : null;
                return (program.Name, now ?? instance);
            }
        }

        return null;
    }

    private static int IndexOfRun(ImmutableArray<InstanceState> instances, long runId)
    {
        for (var index = 0; index < instances.Length; index++)
        {
            if (instances[index].RunId == runId)
            {
                return index;
            }
        }

        return -1;
    }

    private static InstanceState? FindRunIn(ImmutableArray<InstanceState> instances, long runId) =>
        IndexOfRun(instances, runId) is var index and >= 0 ? instances[index] : null;

    /// <summary>The instances after of the program at <paramref name="index"/> before (programs are only ever added at the end).</summary>
    private ImmutableArray<InstanceState>? InstancesAfter(int index, string name) =>
        index < After.Programs.Length && string.Equals(After.Programs[index].Name, name, StringComparison.Ordinal)
            ? After.Programs[index].Instances
            : After.Find(name)?.Instances;

    /// <summary>The instance of id <paramref name="id"/>: at <paramref name="hint"/> when it is still there, else by a binary search (ids grow, oldest first).</summary>
    private static InstanceState? FindId(ImmutableArray<InstanceState> instances, long id, int hint)
    {
        if ((uint)hint < (uint)instances.Length && instances[hint].Id == id)
        {
            return instances[hint];
        }

        var at = instances.AsSpan().BinarySearch(new IdOrder(id));
        return at >= 0 ? instances[at] : null;
    }

    /// <summary>Orders instances by id, for a binary search of one id.</summary>
    private readonly struct IdOrder(long id) : IComparable<InstanceState>
    {
        public int CompareTo(InstanceState? other) => other is null ? 1 : id.CompareTo(other.Id);
    }
}
