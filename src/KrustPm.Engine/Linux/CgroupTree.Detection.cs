namespace KrustPm.Engine.Linux;

/// <summary>Where the cgroup v2 hierarchy is mounted, and which cgroup krust-pm is in.</summary>
public sealed partial class CgroupTree
{
    /// <summary>
    /// The directory of the cgroup this process is in, in a mounted cgroup v2 hierarchy: from the <c>0::PATH</c> line
    /// of /proc/self/cgroup, under the mount point of a <c>cgroup2</c> file system that shows that path (a pure-v2
    /// host at /sys/fs/cgroup, a hybrid one at /sys/fs/cgroup/unified, a container's own cgroup namespace).
    /// </summary>
    /// <returns>The directory, or <see langword="null"/> with the reason.</returns>
    internal static string? OwnCgroup(out string? reason)
    {
        string[] memberships;
        string[] mounts;
        try
        {
            memberships = File.ReadAllLines("/proc/self/cgroup");
            mounts = File.ReadAllLines("/proc/self/mountinfo");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            reason = $"cannot read /proc: {error.Message}";
            return null;
        }

        var own = memberships.FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..];
        if (own is null || own.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            reason = "this kernel has no cgroup v2 hierarchy (no 0:: line in /proc/self/cgroup)";
            return null;
        }

        foreach (var (root, mountPoint) in Cgroup2Mounts(mounts))
        {
            if (own == root || own.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                reason = null;
                return Path.Join(mountPoint, own[root.Length..].TrimStart('/')).TrimEnd('/') is { Length: > 0 } dir ? dir : "/";
            }
        }

        reason = "no cgroup v2 file system (cgroup2) is mounted where krust-pm can see its own cgroup";
        return null;
    }

    /// <summary>Whether <paramref name="path"/> lies in a mounted cgroup v2 file system.</summary>
    internal static bool IsInCgroup2(string path)
    {
        try
        {
            return Cgroup2Mounts(File.ReadAllLines("/proc/self/mountinfo"))
                .Any(mount => path == mount.MountPoint || path.StartsWith(mount.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The cgroup2 mounts of /proc/self/mountinfo: <c>ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS] - FSTYPE
    /// SOURCE OPTIONS</c>, with spaces and other bytes in paths written as octal escapes.
    /// </summary>
    private static IEnumerable<(string Root, string MountPoint)> Cgroup2Mounts(string[] mountInfo)
    {
        foreach (var line in mountInfo)
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 4 && separator + 1 < fields.Length && fields[separator + 1] == "cgroup2")
            {
                yield return (Unescape(fields[3]), Unescape(fields[4]));
            }
        }
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && !field.AsSpan(i + 1, 3).ContainsAnyExceptInRange('0', '7'))
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }

        return System.Text.Encoding.UTF8.GetString([.. bytes]);
    }
}
