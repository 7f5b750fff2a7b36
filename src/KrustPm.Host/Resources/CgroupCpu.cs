using System.Globalization;

namespace KrustPm.Host.Resources;

/// <summary>
/// The CPU time of a cgroup from its <c>cpu.stat</c> (<c>usage_usec</c>): every process that was ever in it, the
/// exited ones included. cgroup v2 keeps these counters in every cgroup, with or without the cpu controller.
/// </summary>
internal static class CgroupCpu
{
    /// <summary>The cgroup's CPU time in seconds, or <see langword="null"/> when its <c>cpu.stat</c> cannot be read.</summary>
    public static double? UsageSeconds(string cgroup)
    {
        Span<byte> buffer = stackalloc byte[512];
        int read;
        try
        {
            using var file = File.OpenHandle(Path.Combine(cgroup, "cpu.stat"), FileMode.Open, FileAccess.Read);
            read = RandomAccess.Read(file, buffer, 0);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // gone with its run
        }

        return Parse(buffer[..read]);
    }

    /// <summary>The <c>usage_usec</c> line of a <c>cpu.stat</c> text, in seconds.</summary>
    internal static double? Parse(ReadOnlySpan<byte> text)
    {
        var key = "usage_usec "u8;
        var at = text.IndexOf(key);
        if (at < 0 || (at > 0 && text[at - 1] != (byte)'\n'))
        {
            return null;
        }

        var value = text[(at + key.Length)..];
        var end = value.IndexOf((byte)'\n');
        return long.TryParse(end < 0 ? value : value[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
            ? microseconds / 1_000_000.0
            : null;
    }
}
