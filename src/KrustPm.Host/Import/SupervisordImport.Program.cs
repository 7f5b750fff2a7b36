using System.Globalization;
using System.Text;

namespace KrustPm.Host.Import;

internal static partial class SupervisordImport
{
    /// <summary>The signals both supervisord and krust-pm know by name.</summary>
    private static readonly string[] StopSignals = ["TERM", "HUP", "INT", "QUIT", "KILL", "USR1", "USR2"];

    /// <summary>Program keys handled below, or deliberately left out (said in a comment when given).</summary>
    private static readonly Dictionary<string, string> Untranslatable = new(StringComparer.Ordinal)
    {
        ["process_name"] = "krust-pm names instances NAME.ID",
        ["serverurl"] = "no XML-RPC: a program reaches krust-pm at KRUST_PM_URL",
        ["stdout_capture_maxbytes"] = "no capture mode: follow GET /api/v1/events and the logs",
        ["stderr_capture_maxbytes"] = "no capture mode",
        ["stdout_events_enabled"] = "no process communication events",
        ["stderr_events_enabled"] = "no process communication events",
        ["stdout_syslog"] = "no syslog output: use log = \"inherit\" and journald",
        ["stderr_syslog"] = "no syslog output: use log = \"inherit\" and journald",
        ["stderr_logfile_maxbytes"] = "one log_max_bytes for both streams (stdout_logfile_maxbytes's)",
        ["stderr_logfile_backups"] = "one log_backups for both streams (stdout_logfile_backups's)",
        ["killasgroup"] = "krust-pm's SIGKILL after the stop timeout always reaches the whole process group",
        ["priority"] = "krust-pm starts every program at once and stops dependents first; where one program needs another, say so with depends_on",
    };

    private static ImportedProgram Program(IniSection section, string name, ProgramNames names, List<string>? groups)
    {
        var krustName = names.Take(name, out var renamed);
        var program = new ImportedProgram(krustName, $"[{section.Name}] in {section.Path}:{section.Line}");
        if (renamed)
        {
            program.Notes.Add($"named '{krustName}': '{name}' is not a krust-pm program name (letters, digits, _ - .)");
        }

        var numprocs = Integer(section, "numprocs", 1, min: 1);
        var numprocsStart = Integer(section, "numprocs_start", 0, min: 0);
        var expansion = new SupervisordExpansion(
            section.Path, Path.GetDirectoryName(section.Path)!, name, groups is [var only] ? only : name, numprocs, numprocsStart);
        if (section.Find("command") is not { } command)
        {
            throw new ImportException(section.Path, section.Line, $"[{section.Name}] has no 'command'");
        }

        program.Set("command", TomlText.String(expansion.Expand(command.Value, FieldKind.Command, command.Line)));
        if (numprocs != 1)
        {
            program.Set("instances", TomlText.Integer(numprocs), "numprocs");
        }

        foreach (var entry in section.Entries)
        {
            Translate(program, section, entry, expansion);
        }

        // supervisord signals the main process only unless stopasgroup = true; krust-pm's default is the whole group.
        if (!program.Has("stop_signal_target"))
        {
            program.Set("stop_signal_target", TomlText.String("main"), "supervisord's default (stopasgroup = false)");
        }

        if (expansion.PortBase is { } portBase)
        {
            program.Set("port_base", TomlText.Integer(portBase), "{port} = port_base + instance index; it also sets PORT");
        }

        foreach (var (key, value, why) in expansion.Losses)
        {
            program.NotTranslatable(key, value, why);
        }

        program.Groups.AddRange(groups ?? []);
        return program;
    }

    private static void Translate(ImportedProgram program, IniSection section, IniEntry entry, SupervisordExpansion expansion)
    {
        var value = entry.Value;
        switch (entry.Key)
        {
            case "command" or "numprocs":
                break;
            case "autostart":
                program.Set("autostart", TomlText.Bool(Boolean(section, entry)));
                break;
            case "autorestart":
                program.Set("restart", TomlText.String(value.ToLowerInvariant() switch
                {
                    "unexpected" => "on-failure",
                    "true" or "yes" or "on" or "1" => "always",
                    "false" or "no" or "off" or "0" => "never",
                    _ => throw Bad(section, entry, "true, false or unexpected"),
                }), $"autorestart = {value}");
                break;
            case "exitcodes":
                var codes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code <= 255 ? code : throw Bad(section, entry, "exit codes from 0 to 255, separated by commas"))
                    .ToArray();
                program.Set("success_exit_codes", TomlText.Array(codes.Select(c => TomlText.Integer(c))));
                break;
            case "startsecs":
                program.Set("min_uptime_ms", TomlText.Integer(Integer(section, entry, 0) * 1000L), $"startsecs = {value}");
                break;
            case "startretries":
                var retries = Integer(section, entry, 0);
                if (retries == 0)
                {
                    program.Set("max_retries", "1", "startretries = 0: krust-pm's 0 means forever, 1 is the closest");
                }
                else
                {
                    program.Set("max_retries", TomlText.Integer(retries), "startretries");
                }

                break;
            case "stopsignal":
                var signal = value.ToUpperInvariant();
                signal = signal.StartsWith("SIG", StringComparison.Ordinal) ? signal[3..] : signal;
                if (!StopSignals.Contains(signal))
                {
                    throw Bad(section, entry, string.Join(", ", StopSignals));
                }

                program.Set("stop_signal", TomlText.String(signal));
                break;
            case "stopwaitsecs":
                program.Set("stop_timeout_ms", TomlText.Integer(Integer(section, entry, 0) * 1000L), $"stopwaitsecs = {value}");
                break;
            case "stopasgroup":
                program.Set("stop_signal_target", TomlText.String(Boolean(section, entry) ? "group" : "main"), $"stopasgroup = {value}");
                break;
            case "environment":
                foreach (var (variable, text) in EnvironmentPairs(section, entry))
                {
                    program.SetEnv(variable, TomlText.String(expansion.Expand(text, FieldKind.Value, entry.Line)));
                }

                break;
            case "directory":
                program.Set("workdir", TomlText.String(Normalized(expansion.Expand(value, FieldKind.Path, entry.Line))));
                break;
            case "killasgroup" when Boolean(section, entry):
                break; // what krust-pm's SIGKILL after the stop timeout does anyway
            case "user":
                program.Set("user", TomlText.String(expansion.Expand(value, FieldKind.Plain, entry.Line)));
                break;
            case "umask":
                program.Set("umask", TomlText.String(value));
                break;
            case "redirect_stderr":
                if (Boolean(section, entry))
                {
                    program.Set("merge_stderr", "true", "redirect_stderr");
                }

                break;
            case "stdout_logfile" or "stderr_logfile":
                LogFile(program, section, entry, expansion);
                break;
            case "stdout_logfile_maxbytes":
                program.Set("log_max_bytes", TomlText.Integer(Size(section, entry)), $"{value} in supervisord (1024-based)");
                break;
            case "stdout_logfile_backups":
                program.Set("log_backups", TomlText.Integer(Integer(section, entry, 0)));
                break;
            case "numprocs_start":
                break; // folded into port_base, or said with {index} (SupervisordExpansion)
            default:
                program.NotTranslatable(entry.Key, value, Untranslatable.GetValueOrDefault(entry.Key, "no krust-pm equivalent"));
                break;
        }
    }

    private static void LogFile(ImportedProgram program, IniSection section, IniEntry entry, SupervisordExpansion expansion)
    {
        var stream = entry.Key == "stdout_logfile" ? "stdout" : "stderr";
        switch (entry.Value.ToUpperInvariant())
        {
            case "AUTO":
                break; // krust-pm's own files under log_dir, as supervisord's AUTO files under childlogdir
            case "NONE" when stream == "stdout" && section["stderr_logfile"]?.ToUpperInvariant() == "NONE":
            case "NONE" when stream == "stdout" && section["redirect_stderr"] is "true":
                program.Set("log", "false", "stdout_logfile = NONE");
                break;
            case "NONE" when stream == "stderr" && section["stdout_logfile"]?.ToUpperInvariant() == "NONE":
                break; // log = false, with stdout_logfile
            case "NONE":
                program.NotTranslatable(entry.Key, entry.Value, "krust-pm keeps both streams or neither (log = false)");
                break;
            default:
                var path = Normalized(expansion.Expand(entry.Value, FieldKind.Path, entry.Line));
                if (program.Has("instances") && !PerInstanceLogPath.NamesInstance(path))
                {
                    program.Set($"{stream}_log", TomlText.String(PerInstanceLogPath.Of(path)), $"one file per instance: {PerInstanceLogPath.Why}");
                }
                else
                {
                    program.Set($"{stream}_log", TomlText.String(path));
                }

                break;
        }
    }

    /// <summary>An absolute path without <c>..</c> (from <c>%(here)s/../logs</c>); a relative one as it is.</summary>
    private static string Normalized(string path) => Path.IsPathRooted(path) ? Path.GetFullPath(path) : path;

    /// <summary>
    /// supervisord's <c>environment = KEY="value",KEY2=value2</c> (continuation lines allowed): pairs separated by
    /// commas, values quoted with <c>"</c> or <c>'</c> when they hold a comma or spaces.
    /// </summary>
    private static List<(string Name, string Value)> EnvironmentPairs(IniSection section, IniEntry entry)
    {
        var pairs = new List<(string, string)>();
        var text = entry.Value;
        var i = 0;
        while (true)
        {
            SkipBlanks(text, ref i);
            if (i >= text.Length)
            {
                return pairs;
            }

            var name = Word(text, ref i);
            SkipBlanks(text, ref i);
            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                throw Bad(section, entry, "KEY=\"value\" pairs separated by commas");
            }

            i++;
            SkipBlanks(text, ref i);
            pairs.Add((name, Word(text, ref i)));
            SkipBlanks(text, ref i);
            if (i < text.Length && text[i] != ',')
            {
                throw Bad(section, entry, "KEY=\"value\" pairs separated by commas");
            }

            i++;
        }
    }

    private static void SkipBlanks(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }

    private static string Word(string text, ref int i)
    {
        if (i < text.Length && text[i] is '"' or '\'')
        {
            var quote = text[i];
            var end = text.IndexOf(quote, i + 1);
            if (end < 0)
            {
                end = text.Length;
            }

            var quoted = text[(i + 1)..end];
            i = Math.Min(text.Length, end + 1);
            return quoted;
        }

        var word = new StringBuilder();
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '=' and not ',')
        {
            word.Append(text[i++]);
        }

        return word.ToString();
    }

    private static int Integer(IniSection section, string key, int missing, int min) =>
        section.Find(key) is { } entry ? Integer(section, entry, min) : missing;

    private static int Integer(IniSection section, IniEntry entry, int min) =>
        int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min
            ? number
            : throw Bad(section, entry, $"a whole number from {min}");

    private static bool Boolean(IniSection section, IniEntry entry) => entry.Value.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw Bad(section, entry, "true or false"),
    };

    /// <summary>supervisord's byte sizes: a number with KB, MB or GB (1024-based).</summary>
    private static long Size(IniSection section, IniEntry entry)
    {
        var text = entry.Value.Trim().ToUpperInvariant();
        var (digits, factor) = text switch
        {
            _ when text.EndsWith("KB", StringComparison.Ordinal) => (text[..^2], 1024L),
            _ when text.EndsWith("MB", StringComparison.Ordinal) => (text[..^2], 1024L * 1024),
            _ when text.EndsWith("GB", StringComparison.Ordinal) => (text[..^2], 1024L * 1024 * 1024),
            _ => (text, 1L),
        };
        return long.TryParse(digits.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number * factor
            : throw Bad(section, entry, "a size such as 50MB, 1024KB or 1GB");
    }

    private static ImportException Bad(IniSection section, IniEntry entry, string expected) =>
        new(section.Path, entry.Line, $"[{section.Name}] {entry.Key} = {entry.Value.ReplaceLineEndings(" ")}: expected {expected}");
}
