using System.Globalization;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>Reads /proc to see real processes without trusting krust-pm.</summary>
internal static class ProcFs
{
    /// <summary>Live (non-zombie) processes whose session id is <paramref name="sessionId"/>.</summary>
    public static List<int> InSession(int sessionId) =>
        [.. All().Where(p => p.Session == sessionId && p.State != 'Z').Select(p => p.Pid)];

    /// <summary>The process group and session of a process, or null when it is gone.</summary>
    public static (int Group, int Session, char State)? Ids(int pid) =>
        Read(pid) is { } p ? (p.Group, p.Session, p.State) : null;

    /// <summary>Waits (bounded) until no live process is left in a session.</summary>
    public static async Task<List<int>> WaitUntilSessionEmptyAsync(int sessionId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = InSession(sessionId);
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static IEnumerable<(int Pid, char State, int Group, int Session)> All()
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

    private static (int Pid, char State, int Group, int Session)? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses, so split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (pid, fields[0][0], int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }
}
