using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Settings applied to a program's processes before exec: file mode creation mask, scheduling priority and resource
/// limits. Immutable; <see cref="Default"/> changes nothing (the processes inherit krust-pm's).
/// </summary>
public sealed record ProcessSettings
{
    /// <summary>Inherit everything from krust-pm.</summary>
    public static ProcessSettings Default { get; } = new();

    /// <summary>The file mode creation mask (e.g. <c>0o022</c>); <see langword="null"/> inherits krust-pm's.</summary>
    public int? Umask { get; init; }

    /// <summary>The nice value, -20 (most favoured) to 19; <see langword="null"/> inherits krust-pm's.</summary>
    public int? Nice { get; init; }

    /// <summary>
    /// Resource limits by their <c>prlimit</c> name (<c>nofile</c>, <c>core</c>, <c>nproc</c>, <c>stack</c>,
    /// <c>memlock</c>, <c>as</c>, <c>fsize</c>, <c>cpu</c>...), each setting the soft and the hard limit.
    /// </summary>
    public ImmutableSortedDictionary<string, ResourceLimit> Limits { get; init; } =
        ImmutableSortedDictionary<string, ResourceLimit>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// The most memory the instance's processes may use together, in bytes (cgroup v2 <c>memory.max</c>): past it the
    /// kernel reclaims, then kills one with its OOM killer. Needs krust-pm's cgroup containment and the memory
    /// controller; <see langword="null"/> for no limit.
    /// </summary>
    public long? MemoryMax { get; init; }

    /// <summary>
    /// The most CPU time the instance's processes may use together, in percent of one CPU (<c>cpu.max</c>: 50 is half
    /// a CPU, 200 two CPUs). Needs the cpu controller; <see langword="null"/> for no limit.
    /// </summary>
    public int? CpuMax { get; init; }

    /// <summary>
    /// The most processes (and threads) the instance may have at once (<c>pids.max</c>): a fork past it fails. Needs
    /// the pids controller; <see langword="null"/> for no limit.
    /// </summary>
    public long? PidsMax { get; init; }

    /// <summary>The cgroup v2 controllers these settings need (<c>memory</c>, <c>cpu</c>, <c>pids</c>), in that order.</summary>
    public IEnumerable<string> Controllers
    {
        get
        {
            if (MemoryMax is not null)
            {
                yield return "memory";
            }

            if (CpuMax is not null)
            {
                yield return "cpu";
            }

            if (PidsMax is not null)
            {
                yield return "pids";
            }
        }
    }
}

/// <summary>One resource limit: the soft and the hard value (<see cref="Unlimited"/> for no limit).</summary>
/// <param name="Soft">The soft limit, which the process may raise up to <paramref name="Hard"/>.</param>
/// <param name="Hard">The hard limit.</param>
public readonly record struct ResourceLimit(ulong Soft, ulong Hard)
{
    /// <summary>The value that means no limit (<c>RLIM_INFINITY</c>).</summary>
    public const ulong Unlimited = ulong.MaxValue;
}
