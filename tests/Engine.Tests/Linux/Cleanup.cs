using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>Cleaning up after real-process tests.</summary>
internal static class Cleanup
{
    /// <summary>Kills the process groups of runs a failed test left running (a group still in use keeps its id).</summary>
    public static void KillLeftovers(IEnumerable<int> pids)
    {
        foreach (var pid in pids.Where(pid => ProcFs.InSession(pid).Count > 0))
        {
            KrustPm.Engine.Linux.NativeMethods.Kill(-pid, Signals.Kill);
        }
    }

    /// <summary>Deletes a test's folder once the output copies of its runs, which end a moment after the runs, are done.</summary>
    public static async Task DeleteAsync(string path)
    {
        IOException? last = null;
        if (!await Eventually.Holds(() => TryDelete(path, out last), Eventually.DefaultTimeout))
        {
            throw new IOException($"could not delete {path}", last);
        }
    }

    private static bool TryDelete(string path, out IOException? error)
    {
        try
        {
            Directory.Delete(path, recursive: true);
            error = null;
            return true;
        }
        catch (IOException failed)
        {
            // A copy created a log file while the folder was being emptied: try again.
            error = failed;
            return false;
        }
    }
}
