using System.Text.Json.Nodes;

namespace KrustPm.Host.Import;

internal static partial class Pm2Import
{
    /// <summary>PM2's interpreter for a script, by its extension (PM2's own table); none: the script runs itself.</summary>
    private static readonly Dictionary<string, string> Interpreters = new(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = "node", [".cjs"] = "node", [".mjs"] = "node", [".ts"] = "ts-node", [".coffee"] = "coffee",
        [".py"] = "python", [".sh"] = "bash", [".rb"] = "ruby", [".php"] = "php", [".pl"] = "perl",
    };

    /// <summary>Keys with no krust-pm equivalent, and why.</summary>
    private static readonly Dictionary<string, string> Untranslatable = new(StringComparer.Ordinal)
    {
        ["max_memory_restart"] = "krust-pm does not restart on memory use; bound it with rlimits or a cgroup",
        ["cron_restart"] = "krust-pm has no cron; run `krust-pm restart NAME` from cron or a systemd timer",
        ["watch"] = "krust-pm does not watch files; run `krust-pm restart NAME` after a deploy",
        ["ignore_watch"] = "krust-pm does not watch files",
        ["watch_options"] = "krust-pm does not watch files",
        ["wait_ready"] = "no process.send('ready'); use ready_log_line or a readiness probe",
        ["listen_timeout"] = "readiness probes have their own timeout_ms",
        ["shutdown_with_message"] = "krust-pm stops with a signal (stop_signal)",
        ["log_file"] = "krust-pm keeps stdout and stderr in their own files (merge_stderr = true writes one)",
        ["source_map_support"] = "a node option: add --enable-source-maps to node_args",
        ["vizion"] = "no version metadata",
        ["pmx"] = "no PM2 metrics",
        ["automation"] = "no PM2 metrics",
        ["gid"] = "the program runs with its user's groups",
        ["appendEnvToName"] = "no renaming by environment",
        ["filter_env"] = "use clear_env = true and list what to keep in env",
        ["force"] = "krust-pm starts each program once",
        ["exec_mode"] = "no node cluster master: krust-pm runs each instance as its own process (fork mode); give each its own port (increment_var, port_base) or let them share one with SO_REUSEPORT",
    };

    private static ImportedProgram App(string file, int index, JsonObject app, ProgramNames names)
    {
        var script = Scalar(app["script"]) ?? throw new ImportException(file, null, $"apps[{index}] has no script");
        var wanted = Scalar(app["name"]) ?? Path.GetFileNameWithoutExtension(script);
        var program = new ImportedProgram(names.Take(wanted, out var renamed), $"app '{wanted}' (apps[{index}]) in {file}");
        if (renamed)
        {
            program.Notes.Add($"named '{program.Name}': '{wanted}' is not a krust-pm program name (letters, digits, _ - .)");
        }

        program.Set("command", TomlText.String(CommandEscaper.Escape(Command(app, script))));
        var instances = Instances(file, wanted, app["instances"], out var instancesComment);
        if (instances != 1)
        {
            program.Set("instances", TomlText.Integer(instances), instancesComment);
        }

        program.Set(
            "workdir",
            TomlText.String(TomlText.LiteralForPath(Path.GetFullPath(Scalar(app["cwd"]) ?? ".", Path.GetDirectoryName(file)!))),
            app["cwd"] is null ? "PM2 starts apps in the folder it runs in: the ecosystem file's, here" : null);
        Restarts(file, wanted, app, program);
        program.Set("stop_signal", TomlText.String("INT"), "PM2 stops an app with SIGINT");
        program.Set(
            "stop_timeout_ms",
            TomlText.Integer(app["kill_timeout"] is { } kill ? Milliseconds(file, wanted, "kill_timeout", kill) : 1600),
            app["kill_timeout"] is null ? "PM2's default kill_timeout" : "kill_timeout");
        Environment(file, wanted, app, program);
        Logs(file, wanted, app, program, instances);
        foreach (var (key, value) in app)
        {
            Other(file, wanted, key, value, program);
        }

        return program;
    }

    /// <summary>The interpreter (with its arguments), the script, then the script's arguments, as one command line.</summary>
    private static string Command(JsonObject app, string script)
    {
        var interpreter = Scalar(app["interpreter"]) ?? Scalar(app["exec_interpreter"])
            ?? Interpreters.GetValueOrDefault(Path.GetExtension(script), "none");
        var words = new List<string>();
        if (interpreter != "none")
        {
            words.Add(ShellQuote(interpreter));
            words.AddRange(Words(app["interpreter_args"] ?? app["node_args"]));
        }

        words.Add(ShellQuote(script));
        words.AddRange(Words(app["args"]));
        return string.Join(' ', words);
    }

    /// <summary>PM2's <c>instances</c>: a number, or <c>"max"</c> / <c>0</c> / <c>-1</c> for the CPUs (less N for <c>-N</c>).</summary>
    private static int Instances(string file, string app, JsonNode? value, out string? comment)
    {
        comment = null;
        if (value is null)
        {
            return 1;
        }

        var text = Scalar(value);
        var cpus = System.Environment.ProcessorCount;
        var negative = int.TryParse(text, out var n) && n < 0;
        if (text is "max" or "0" || negative)
        {
            var count = text is "max" or "0" ? cpus : Math.Max(1, cpus + n);
            comment = $"instances = {text} in PM2: the {cpus} CPUs of the machine this was imported on{(text is "max" or "0" ? string.Empty : $", less {-n}")}";
            return count;
        }

        return (int)Math.Min(int.MaxValue, Number(file, app, "instances", value));
    }

    private static void Restarts(string file, string app, JsonObject settings, ImportedProgram program)
    {
        var autorestart = settings["autorestart"] is not { } given || Boolean(file, app, "autorestart", given);
        if (!autorestart)
        {
            program.Set("restart", TomlText.String("never"), "autorestart = false");
        }
        else if (settings["stop_exit_codes"] is { } codes)
        {
            var list = codes is JsonArray array ? array.Select(c => Number(file, app, "stop_exit_codes", c)).ToArray() : [Number(file, app, "stop_exit_codes", codes)];
            program.Set("restart", TomlText.String("on-failure"), "stop_exit_codes: PM2 restarts on any other exit");
            program.Set("success_exit_codes", TomlText.Array(list.Select(TomlText.Integer)));
        }
        else
        {
            program.Set("restart", TomlText.String("always"), "PM2 restarts an app whatever its exit code");
        }

        if (settings["max_restarts"] is { } max)
        {
            var retries = Number(file, app, "max_restarts", max);
            program.Set("max_retries", retries == 0 ? "1" : TomlText.Integer(retries), retries == 0 ? "max_restarts = 0: krust-pm's 0 means forever" : "max_restarts");
        }

        if (settings["min_uptime"] is { } uptime)
        {
            program.Set("min_uptime_ms", TomlText.Integer(Milliseconds(file, app, "min_uptime", uptime)), "min_uptime");
        }

        if (settings["exp_backoff_restart_delay"] is { } backoff)
        {
            program.Set("restart_delay_ms", TomlText.Integer(Milliseconds(file, app, "exp_backoff_restart_delay", backoff)), "exp_backoff_restart_delay");
            program.Set("restart_delay_max_ms", "15000", "PM2's ceiling for exponential backoff");
        }
        else if (settings["restart_delay"] is { } delay)
        {
            var ms = Milliseconds(file, app, "restart_delay", delay);
            program.Set("restart_delay_ms", TomlText.Integer(ms), "restart_delay");
            program.Set("restart_delay_max_ms", TomlText.Integer(ms), "PM2's restart_delay is fixed: no backoff");
        }
    }
}
