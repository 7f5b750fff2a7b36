using System.Globalization;

namespace KrustPm.Host.Resources;

/// <summary>
/// The fields of <c>/proc/PID/stat</c> krust-pm samples (proc(5)): the process's session, its CPU time and its
/// children's that it reaped, its threads and its resident pages. The command name (field 2) is in parentheses and may
/// hold spaces and parentheses itself, so the fields are counted from the last <c>)</c>.
/// </summary>
/// <param name="Session">Field 6: the session id (an instance's main process leads its own session).</param>
/// <param name="CpuTicks">Fields 14 and 15: user and system time, in clock ticks.</param>
/// <param name="ReapedChildrenTicks">Fields 16 and 17: the same for the children it waited for.</param>
/// <param name="Threads">Field 20.</param>
/// <param name="ResidentPages">Field 24: resident set size, in pages.</param>
/// <param name="StartTicks">Field 22: when the process started, in clock ticks after the machine booted.</param>
internal readonly record struct ProcStat(int Session, long CpuTicks, long ReapedChildrenTicks, int Threads, long ResidentPages, long StartTicks = 0)
{
    /// <summary>
    /// Clock ticks per second in /proc (<c>USER_HZ</c>): 100 on every Linux architecture, whatever the kernel's own
    /// <c>HZ</c>, as the /proc ABI fixes it.
    /// </summary>
    public const int TicksPerSecond = 100;

    /// <summary>Reads a process's stat; <see langword="null"/> when it is gone (or cannot be read).</summary>
    public static ProcStat? Read(int pid, Span<byte> buffer)
    {
        var length = ProcFiles.ReadStat(pid, buffer);
        return length <= 0 ? null : Parse(buffer[..length]);
    }

    /// <summary>Parses the text of a stat file; <see langword="null"/> when it is not one.</summary>
    public static ProcStat? Parse(ReadOnlySpan<byte> text)
    {
        var close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        // After ") ": field 3 (state) is at index 0 of what follows.
        Span<long> fields = stackalloc long[22];
        var rest = text[(close + 2)..];
        var field = 3;
        foreach (var range in rest.Split((byte)' '))
        {
            if (field > 24)
            {
                break;
            }

            if (field >= 4 && !long.TryParse(rest[range], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out fields[field - 3]))
            {
                return null;
            }

            field++;
        }

        if (field <= 24)
        {
            return null;
        }

        // fields[N - 3] is field N.
        return new ProcStat((int)fields[3], fields[11] + fields[12], fields[13] + fields[14], (int)fields[17], fields[21], fields[19]);
    }
}
