using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>One instance that is new or not the same object as before.</summary>
/// <param name="Was">The instance before, or <see langword="null"/> when it is new.</param>
/// <param name="Now">The instance after.</param>
internal readonly record struct InstanceChange(InstanceState? Was, InstanceState Now);

/// <summary>What changed in one program's instances: see <see cref="StateChanges.Instances"/>.</summary>
internal sealed class InstanceChanges
{
    private readonly List<InstanceChange> _changed = [];
    private List<InstanceState>? _gone;

    /// <summary>The instances that are new or changed: the program's instances, then its retiring ones, in order.</summary>
    public IReadOnlyList<InstanceChange> Changed => _changed;

    /// <summary>The instances that are no longer there (neither instances nor retiring), in their order before.</summary>
    public IReadOnlyList<InstanceState> Gone => _gone ?? [];

    internal void AddNew(ImmutableArray<InstanceState> instances)
    {
        foreach (var instance in instances)
        {
            _changed.Add(new InstanceChange(null, instance));
        }
    }

    /// <summary>Adds the changed instances of one list; an instance that moved claims its old self from <paramref name="moved"/>.</summary>
    internal void Compare(StateChanges.Alignment alignment, Dictionary<long, InstanceState>? moved)
    {
        if (alignment.Same)
        {
            return;
        }

        var after = alignment.After;
        for (var index = 0; index < after.Length; index++)
        {
            var now = after[index];
            var was = alignment.InPlace(index) ? alignment.BeforeAt(index) : Claim(moved, now.Id);
            if (!ReferenceEquals(was, now))
            {
                _changed.Add(new InstanceChange(was, now));
            }
        }
    }

    /// <summary>Adds the instances of one list before that moved and that no instance after claimed.</summary>
    internal void AddGone(StateChanges.Alignment alignment, Dictionary<long, InstanceState> moved)
    {
        foreach (var instance in alignment.BeforeMiddle)
        {
            if (moved.Remove(instance.Id, out var gone))
            {
                (_gone ??= []).Add(gone);
            }
        }
    }

    private static InstanceState? Claim(Dictionary<long, InstanceState>? moved, long id) =>
        moved is not null && moved.Remove(id, out var was) ? was : null;
}
