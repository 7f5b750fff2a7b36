using System.Globalization;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Whether krust-pm may apply a program's <see cref="ProcessSettings"/>, by the kernel's own rules, so that a setting
/// that is not allowed is a start failure that says why (the wrapper's execs would refuse it too, but only as an exit
/// code 1 with a line in the program's log). Raising a hard limit needs CAP_SYS_RESOURCE; <c>nofile</c> never goes
/// above <c>fs.nr_open</c>; lowering the nice value needs CAP_SYS_NICE unless RLIMIT_NICE (the configured one, as
/// prlimit sets it first) allows it.
/// </summary>
internal static partial class ProcessSettingsCheck
{
    /// <summary>The limits by their prlimit names, with the kernel's resource numbers (asm-generic/resource.h).</summary>
    private static readonly Dictionary<string, int> Resources = new(StringComparer.Ordinal)
    {
        ["cpu"] = 0, ["fsize"] = 1, ["data"] = 2, ["stack"] = 3, ["core"] = 4, ["rss"] = 5, ["nproc"] = 6, ["nofile"] = 7,
        ["memlock"] = 8, ["as"] = 9, ["locks"] = 10, ["sigpending"] = 11, ["msgqueue"] = 12, ["nice"] = 13, ["rtprio"] = 14,
        ["rttime"] = 15,
    };

    private const ulong SysResource = 1UL << 24;
    private const ulong SysNice = 1UL << 23;

    /// <summary>What krust-pm itself has now, which its children start from.</summary>
    /// <param name="Nice">Its nice value.</param>
    /// <param name="Capabilities">Its effective capabilities.</param>
    /// <param name="Limit">Its limit of a resource by kernel number, or null when it cannot be read.</param>
    /// <param name="MaxOpenFiles">The kernel's <c>fs.nr_open</c>, or null when it cannot be read.</param>
    internal sealed record Current(int Nice, ulong Capabilities, Func<int, ResourceLimit?> Limit, ulong? MaxOpenFiles);

    /// <summary>Why <paramref name="settings"/> cannot be applied by this process now, or <see langword="null"/>.</summary>
    public static string? Problem(ProcessSettings settings) =>
        settings.Nice is null && settings.Limits.IsEmpty ? null : Problem(settings, Self());

    /// <summary>Why <paramref name="settings"/> cannot be applied from <paramref name="current"/>, or <see langword="null"/>.</summary>
    internal static string? Problem(ProcessSettings settings, Current current)
    {
        foreach (var (name, limit) in settings.Limits)
        {
            if (!Resources.TryGetValue(name, out var resource))
            {
                return $"cannot set rlimits.{name}: there is no such limit; the limits are {string.Join(", ", Resources.Keys.Order(StringComparer.Ordinal))}";
            }

            if (limit.Soft > limit.Hard)
            {
                return $"cannot set rlimits.{name}: the soft limit is above the hard limit";
            }

            if (name == "nofile" && current.MaxOpenFiles is { } most && limit.Hard > most)
            {
                return $"cannot set rlimits.nofile to {Describe(limit.Hard)}: the kernel allows at most {most} open files per process (fs.nr_open)";
            }

            if (current.Limit(resource) is { } own && limit.Hard > own.Hard && (current.Capabilities & SysResource) == 0)
            {
                return $"cannot set rlimits.{name}: its hard limit {Describe(limit.Hard)} is above krust-pm's own ({Describe(own.Hard)}), and raising a hard limit needs root (CAP_SYS_RESOURCE)";
            }
        }

        if (settings.Nice is { } nice && nice < current.Nice && (current.Capabilities & SysNice) == 0)
        {
            // The kernel lets an unprivileged process go down to 20 - RLIMIT_NICE (soft), which prlimit sets first.
            var niceLimit = settings.Limits.TryGetValue("nice", out var configured) ? configured : current.Limit(Resources["nice"]);
            if (niceLimit is not { } allowed || allowed.Soft < (ulong)(20 - nice))
            {
                return $"cannot set nice to {nice}: krust-pm runs at nice {current.Nice}, and lowering it needs root (CAP_SYS_NICE) or rlimits.nice of at least {20 - nice}";
            }
        }

        return null;
    }

    private static string Describe(ulong limit) => limit == ResourceLimit.Unlimited ? "unlimited" : limit.ToString(CultureInfo.InvariantCulture);

    private static Current Self() => new(OwnNice(), UserAccounts.EffectiveCapabilities(), OwnLimit, MaxOpenFiles());

    private static unsafe ResourceLimit? OwnLimit(int resource)
    {
        var values = stackalloc ulong[2];
        return GetResourceLimit(resource, values) == 0 ? new ResourceLimit(values[0], values[1]) : null;
    }

    /// <summary>Field 19 of /proc/self/stat (after the parenthesised name, which may contain spaces).</summary>
    private static int OwnNice()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
        }
        catch (Exception failure) when (failure is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static ulong? MaxOpenFiles()
    {
        try
        {
            return ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static unsafe partial int GetResourceLimit(int resource, ulong* limit);
}
