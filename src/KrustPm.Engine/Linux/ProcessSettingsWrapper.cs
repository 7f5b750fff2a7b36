using System.Globalization;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The execs that apply a program's <see cref="ProcessSettings"/> before it runs, since posix_spawn cannot:
/// <c>prlimit --NAME=SOFT:HARD ... --</c> (util-linux) for the limits, then
/// <c>/bin/sh -c 'umask 027 &amp;&amp; renice -n N -p $$ &gt;/dev/null &amp;&amp; exec "$@"' krust-pm-process</c> for the
/// umask and the nice value, each part only when it is set (a program without settings gets no prefix at all). It goes
/// in front of <c>setpriv</c>: raising a hard limit or lowering the nice value needs root, before the user switch.
/// Every step execs in place (same pid) and stops the chain when it is not allowed (prlimit and renice exit 1 with
/// their reason on stderr), so the program never runs without its settings. Coreutils <c>nice</c> is not used: it
/// runs the program anyway when it cannot set the value. The program's argv goes to the shell as positional
/// parameters, never into the script, so no argument needs quoting.
/// </summary>
internal static class ProcessSettingsWrapper
{
    /// <summary>util-linux prlimit: sets its own limits, then execs the rest.</summary>
    public const string PrlimitPath = "/usr/bin/prlimit";

    /// <summary>The shell that sets the umask and runs renice on itself before exec.</summary>
    public const string ShellPath = "/bin/sh";

    /// <summary>The shell's <c>$0</c>: what its own error messages are prefixed with.</summary>
    public const string ShellName = "krust-pm-process";

    /// <summary>The argv to put in front of the rest of the command line; empty when nothing is set.</summary>
    public static IReadOnlyList<string> Prefix(ProcessSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var prefix = new List<string>();
        if (!settings.Limits.IsEmpty)
        {
            prefix.Add(PrlimitPath);
            foreach (var (name, limit) in settings.Limits)
            {
                prefix.Add($"--{name}={Value(limit.Soft)}:{Value(limit.Hard)}");
            }

            prefix.Add("--");
        }

        var steps = new List<string>(2);
        if (settings.Umask is { } umask)
        {
            steps.Add($"umask {Convert.ToString(umask, 8).PadLeft(4, '0')}");
        }

        if (settings.Nice is { } nice)
        {
            // Absolute in util-linux (not an increment); $$ is the shell, which becomes the program by exec.
            steps.Add($"renice -n {nice.ToString(CultureInfo.InvariantCulture)} -p $$ >/dev/null");
        }

        if (steps.Count > 0)
        {
            prefix.AddRange([ShellPath, "-c", $"{string.Join(" && ", steps)} && exec \"$@\"", ShellName]);
        }

        return prefix;
    }

    private static string Value(ulong limit) =>
        limit == ResourceLimit.Unlimited ? "unlimited" : limit.ToString(CultureInfo.InvariantCulture);
}
