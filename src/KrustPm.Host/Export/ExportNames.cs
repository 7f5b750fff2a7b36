using System.Text;

namespace KrustPm.Host.Export;

/// <summary>Names and paths shared by the exporters.</summary>
internal static class ExportNames
{
    /// <summary>
    /// The application name of a config file when <c>--app</c> is not given: its folder's name, lower case, reduced to
    /// letters, digits and dashes (a valid unit name prefix and Compose project name).
    /// </summary>
    public static string DefaultApp(string configPath) =>
        Sanitize(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(configPath))) ?? "krust-pm");

    /// <summary>Lower case letters, digits and dashes; anything else becomes a dash; never empty.</summary>
    public static string Sanitize(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            text.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var result = text.ToString().Trim('-');
        return result.Length == 0 ? "krust-pm" : result;
    }

    /// <summary>
    /// The absolute path of a command as the exporting machine's PATH finds it, or <see langword="null"/> when it is not
    /// found (the exporter then runs it through <c>/usr/bin/env</c>).
    /// </summary>
    public static string? Resolve(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return Path.IsPathRooted(command) ? command : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A duration in whole milliseconds as systemd and Compose read it (<c>250ms</c>, <c>2s</c>).</summary>
    public static string Duration(TimeSpan span)
    {
        var ms = (long)span.TotalMilliseconds;
        return ms % 1000 == 0 ? $"{ms / 1000}s" : $"{ms}ms";
    }
}
