using System.Globalization;
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
    public IEnumerable<string> Controllers => CgroupLimits.Select(limit => limit.Controller);

    /// <summary>
    /// The limits set, each with its key, the controller it needs and the file and value it is written as in the
    /// instance's cgroup: the one table the launcher, the start-up checks and the configuration reader go by.
    /// </summary>
    public IEnumerable<CgroupLimit> CgroupLimits
    {
        get
        {
            if (MemoryMax is { } memory)
            {
                yield return new("memory_max", "memory", "memory.max", memory.ToString(CultureInfo.InvariantCulture));
            }

            if (CpuMax is { } percent)
            {
                // Microseconds of CPU per 100,000 µs period: 50 % of one CPU is 50,000.
                yield return new("cpu_max", "cpu", "cpu.max", string.Create(CultureInfo.InvariantCulture, $"{percent * 1000L} 100000"));
            }

            if (PidsMax is { } pids)
            {
                yield return new("pids_max", "pids", "pids.max", pids.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}

/// <summary>A limit of <see cref="ProcessSettings"/> enforced through the instance's cgroup.</summary>
/// <param name="Key">Its configuration key (<c>memory_max</c>).</param>
/// <param name="Controller">The cgroup v2 controller it needs (<c>memory</c>).</param>
/// <param name="File">The cgroup file it is written to (<c>memory.max</c>).</param>
/// <param name="Value">What is written there, in the kernel's units.</param>
public readonly record struct CgroupLimit(string Key, string Controller, string File, string Value);

/// <summary>One resource limit: the soft and the hard value (<see cref="Unlimited"/> for no limit).</summary>
/// <param name="Soft">The soft limit, which the process may raise up to <paramref name="Hard"/>.</param>
/// <param name="Hard">The hard limit.</param>
public readonly record struct ResourceLimit(ulong Soft, ulong Hard)
{
    /// <summary>The value that means no limit (<c>RLIM_INFINITY</c>).</summary>
    public const ulong Unlimited = ulong.MaxValue;
}
