using System.Globalization;

namespace KrustPm.Host.Resources;

/// <summary>
/// Which processes belong to which instance: the members of the instance's cgroup where krust-pm contains its
/// instances in cgroups (a daemon that left its session still counts), else the processes of the instance's session,
/// found in one pass over <c>/proc</c> (each instance's main process leads its own session).
/// </summary>
internal static class ProcessGroups
{
    /// <summary>The processes of each session leader in <paramref name="leaders"/>, with their stats.</summary>
    public static Dictionary<int, List<(int Pid, ProcStat Stat)>> BySession(IReadOnlySet<int> leaders)
    {
        var members = new Dictionary<int, List<(int, ProcStat)>>();
        Span<byte> buffer = stackalloc byte[1024];
        foreach (var pid in ProcFiles.ProcessIds())
        {
            if (ProcStat.Read(pid, buffer) is { } stat && leaders.Contains(stat.Session))
            {
                Add(members, stat.Session, pid, stat);
            }
        }

        return members;
    }

    /// <summary>The processes listed in a cgroup's <c>cgroup.procs</c>, with their stats (none when it is gone).</summary>
    public static List<(int Pid, ProcStat Stat)> InCgroup(string cgroup)
    {
        var members = new List<(int, ProcStat)>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs"));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return members;
        }

        Span<byte> buffer = stackalloc byte[1024];
        foreach (var line in lines)
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ProcStat.Read(pid, buffer) is { } stat)
            {
                members.Add((pid, stat));
            }
        }

        return members;
    }

    /// <summary>How many file descriptors a process has open (0 when krust-pm may not look).</summary>
    public static int OpenFiles(int pid)
    {
        return ProcFiles.CountEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd");
    }

    private static void Add(Dictionary<int, List<(int, ProcStat)>> members, int session, int pid, ProcStat stat)
    {
        if (!members.TryGetValue(session, out var list))
        {
            members[session] = list = [];
        }

        list.Add((pid, stat));
    }
}
