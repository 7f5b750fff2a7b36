using System.Text.Json.Nodes;

namespace KrustPm.Host.Import;

internal static partial class Pm2Import
{
    /// <summary>Keys read by <see cref="App"/> and its helpers; any other is said in a comment.</summary>
    private static readonly HashSet<string> Translated = new(StringComparer.Ordinal)
    {
        "name", "script", "args", "interpreter", "exec_interpreter", "interpreter_args", "node_args", "cwd", "instances",
        "autorestart", "stop_exit_codes", "max_restarts", "min_uptime", "exp_backoff_restart_delay", "restart_delay",
        "kill_timeout", "env", "increment_var", "instance_var", "out_file", "output", "error_file", "error", "merge_logs",
        "combine_logs", "log_date_format", "time", "disable_logs", "user", "uid", "namespace", "autostart", "treekill",
    };

    /// <summary>
    /// <c>env</c> (values as text, literal: PM2 expands nothing), <c>increment_var</c> (→ <c>port_base</c>: PM2 adds
    /// the instance's index to that variable) and <c>instance_var</c> (PM2's <c>NODE_APP_INSTANCE</c>, the index).
    /// </summary>
    private static void Environment(string file, string app, JsonObject settings, ImportedProgram program)
    {
        var env = settings["env"] as JsonObject ?? [];
        string? increment = Scalar(settings["increment_var"]);
        if (increment is not null)
        {
            var start = env[increment] is { } first ? Number(file, app, $"env.{increment} (the increment_var)", first) : 0;
            program.Set("port_base", TomlText.Integer(start), $"increment_var = {increment}: instance i gets {start} + i");
        }

        foreach (var (variable, value) in env)
        {
            if (variable == increment && increment == "PORT")
            {
                continue; // port_base sets PORT
            }

            program.SetEnv(variable, variable == increment
                ? TomlText.String("{port}")
                : TomlText.String(TomlText.LiteralForValue(Scalar(value) ?? Text(value))));
        }

        var instanceVariable = Scalar(settings["instance_var"]) ?? "NODE_APP_INSTANCE";
        if (!program.HasEnv(instanceVariable))
        {
            program.SetEnv(instanceVariable, TomlText.String("{index}"));
        }
    }

    /// <summary>
    /// <c>out_file</c> / <c>error_file</c> (PM2 adds <c>-ID</c> to the name of each instance's file unless
    /// <c>merge_logs</c>), <c>/dev/null</c>, <c>disable_logs</c>, <c>log_date_format</c> / <c>time</c>.
    /// </summary>
    private static void Logs(string file, string app, JsonObject settings, ImportedProgram program, int instances)
    {
        var merged = (settings["merge_logs"] ?? settings["combine_logs"]) is { } merge && Boolean(file, app, "merge_logs", merge);
        var stdout = Scalar(settings["out_file"] ?? settings["output"]);
        var stderr = Scalar(settings["error_file"] ?? settings["error"]);
        var disabled = settings["disable_logs"] is { } disable && Boolean(file, app, "disable_logs", disable);
        if (disabled || (stdout == "/dev/null" && stderr == "/dev/null"))
        {
            program.Set("log", "false", disabled ? "disable_logs" : "out_file and error_file are /dev/null");
            return;
        }

        // PM2 resolves log paths against the app's cwd; one file for both streams is krust-pm's merge_stderr.
        var workdir = Path.GetFullPath(Scalar(settings["cwd"]) ?? ".", Path.GetDirectoryName(file)!);
        var same = stdout is not null && stdout == stderr;
        if (same)
        {
            program.Set("merge_stderr", "true", "out_file and error_file are the same file");
        }

        foreach (var (key, path) in same ? [("stdout_log", stdout)] : new[] { ("stdout_log", stdout), ("stderr_log", stderr) })
        {
            if (path is null)
            {
                continue;
            }

            if (path == "/dev/null")
            {
                program.NotTranslatable(key == "stdout_log" ? "out_file" : "error_file", path, "krust-pm keeps both streams or neither (log = false)");
                continue;
            }

            var full = TomlText.LiteralForPath(Path.GetFullPath(path, workdir));
            if (instances != 1)
            {
                // PM2 names each instance's file NAME-ID.log: one file per instance, as here with {index}. With
                // merge_logs its instances share one file, which krust-pm's never do.
                program.Set(key, TomlText.String(PerInstanceLogPath.Of(full)), merged ? $"merge_logs not kept: {PerInstanceLogPath.Why}" : null);
                continue;
            }

            program.Set(key, TomlText.String(full));
        }

        if (settings["log_date_format"] is { } format)
        {
            program.Set("log_timestamps", "true", $"log_date_format = {Text(format)}: krust-pm writes ISO 8601 times");
        }
        else if (settings["time"] is { } time && Boolean(file, app, "time", time))
        {
            program.Set("log_timestamps", "true", "time = true");
        }
    }

    private static void Other(string file, string app, string key, JsonNode? value, ImportedProgram program)
    {
        switch (key)
        {
            case "user" or "uid":
                program.Set("user", TomlText.String(Scalar(value) ?? Text(value)));
                break;
            case "namespace":
                program.Groups.Add(Scalar(value) ?? Text(value));
                break;
            case "autostart":
                program.Set("autostart", TomlText.Bool(Boolean(file, app, key, value)));
                break;
            case "treekill":
                if (!Boolean(file, app, key, value))
                {
                    program.Set("stop_signal_target", TomlText.String("main"), "treekill = false");
                }

                break;
            case "exec_mode" when Scalar(value) is "fork" or "fork_mode":
                break;
            case var translated when Translated.Contains(translated):
                break;
            case var environment when environment.StartsWith("env_", StringComparison.Ordinal):
                program.NotTranslatable(key, Text(value), $"PM2's --env {key[4..]}: merge the variables you deploy with into env");
                break;
            default:
                program.NotTranslatable(key, Text(value), Untranslatable.GetValueOrDefault(key, "no krust-pm equivalent"));
                break;
        }
    }
}
