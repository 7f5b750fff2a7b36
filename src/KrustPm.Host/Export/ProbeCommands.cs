using System.Globalization;
using KrustPm.Engine.Health;

namespace KrustPm.Host.Export;

/// <summary>
/// A probe as one shell command that succeeds when the probe would pass: exec probes run as they are, HTTP probes
/// with <c>curl</c>, TCP probes with bash's <c>/dev/tcp</c> under <c>timeout</c>. The exported file names these
/// tools: they must exist where the program runs (its image, for Compose).
/// </summary>
internal static class ProbeCommands
{
    /// <summary>The command, in POSIX shell syntax.</summary>
    public static string Shell(ProbeSpec probe)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(probe.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (!probe.Exec.IsDefaultOrEmpty)
        {
            return $"timeout {seconds} {ShellSyntax.Join(probe.Exec)}";
        }

        if (probe.Http is { } url)
        {
            return $"curl -fsS -o /dev/null --max-time {seconds} {ShellSyntax.Quote(url)}";
        }

        var address = probe.Tcp ?? string.Empty;
        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon].Trim('[', ']') : address;
        var port = colon > 0 ? address[(colon + 1)..] : string.Empty;
        return $"timeout {seconds} bash -c {ShellSyntax.Quote($"</dev/tcp/{host}/{port}")}";
    }

    /// <summary>The tools the command needs besides the shell, for the file's comment.</summary>
    public static string Needs(ProbeSpec probe) =>
        !probe.Exec.IsDefaultOrEmpty ? "timeout" : probe.Http is not null ? "curl" : "bash and timeout";
}
