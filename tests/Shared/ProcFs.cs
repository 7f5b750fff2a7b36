using System.Globalization;

namespace KrustPm.Tests.Shared;

/// <summary>Reads /proc to see real processes without trusting krust-pm.</summary>
internal static class ProcFs
{
    /// <summary>One process as /proc/PID/stat shows it.</summary>
    public readonly record struct Entry(int Pid, string Name, char State, int Parent, int Group, int Session)
    {
        public bool IsLive => State != 'Z' && State != 'X';
    }

    /// <summary>Live (non-zombie) processes whose session id is <paramref name="sessionId"/>.</summary>
    public static List<int> InSession(int sessionId) =>
        [.. All().Where(p => p.Session == sessionId && p.IsLive).Select(p => p.Pid)];

    /// <summary>Live children of a process, optionally only those with a given command name.</summary>
    public static List<Entry> ChildrenOf(int parent, string? name = null) =>
        [.. All().Where(p => p.Parent == parent && p.IsLive && (name is null || p.Name == name))];

    /// <summary>User plus system CPU time a process has used so far (from /proc/PID/stat, in clock ticks of 10 ms).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Whether a process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Read(pid) is { IsLive: true };

    /// <summary>A process's command name (what it last exec'd), or null when it is gone.</summary>
    public static string? NameOf(int pid) => Read(pid)?.Name;

    /// <summary>The process group and session of a process, or null when it is gone.</summary>
    public static (int Group, int Session)? Ids(int pid) => Read(pid) is { } p ? (p.Group, p.Session) : null;

    /// <summary>Waits (bounded) until a condition on /proc holds; returns whether it did (<see cref="Eventually.Holds(Func{bool}, TimeSpan)"/>).</summary>
    public static Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => Eventually.Holds(condition, timeout);

    /// <summary>Waits (bounded) until no live process is left in a session; returns those left.</summary>
    public static async Task<List<int>> WaitUntilSessionEmptyAsync(int sessionId, TimeSpan timeout)
    {
        await WaitUntilAsync(() => InSession(sessionId).Count == 0, timeout);
        return InSession(sessionId);
    }

    public static IEnumerable<Entry> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } entry)
            {
                yield return entry;
            }
        }
    }

    private static Entry? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses, so split at the last ')'.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return new Entry(
            pid,
            stat[(open + 1)..close],
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture));
    }
}
