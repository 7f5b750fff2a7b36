using System.Diagnostics;

namespace KrustPm.Engine.Tests.Journal;

/// <summary>A tiny tmpfs mounted on a folder: a disk that fills up at once (needs root).</summary>
internal static class SmallDisk
{
    public static bool TryMount(string folder, int kilobytes) =>
        Environment.UserName == "root" && Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", folder);

    public static void Unmount(string folder) => Run("umount", folder);

    private static bool Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            return false;
        }

        return process.ExitCode == 0;
    }
}
