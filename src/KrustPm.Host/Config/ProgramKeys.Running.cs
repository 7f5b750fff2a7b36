using System.Collections.Immutable;
using System.Text.Json.Nodes;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>The keys of what runs and how it is supervised, in the order the documentation lists them.</summary>
internal static partial class ProgramKeys
{
    private static ImmutableArray<ProgramKey> Running() =>
    [
        new("command", "string", "required", "what to run, as a command line: split into words with POSIX shell quoting (`'...'`, `\"...\"`, `\\`), **without** a shell: no globs, `~`, pipes or redirections (write `command = \"sh -c '...'\"` when you want a shell). `$VAR` outside single quotes expands against krust-pm's environment when the file is read (see [Environment expansion](#environment-expansion)). The first word is the program: a path (relative to `workdir`) or a name looked up in `PATH`. `cmd` in the API shows it as written.")
        {
            Read = static (r, p, c, v) => r.ReadCommand(p, c, v),
            Show = static s => Strings(s.Argv),
            ViewName = "argv",
            Schema = KeySchemas.String,
        },
        new("args", "array of strings", "`[]`", "more arguments, appended after those of `command`; `$VAR` expands in each (see [Environment expansion](#environment-expansion))")
        {
            Read = static (r, p, c, v) => r.ReadArgs(p, c, v),
            Schema = KeySchemas.StringArray,
        },
        new("instances", "integer ≥ 0", "`1`", "how many copies to start")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n) ? p.Spec with { Instances = n } : p.Spec,
            Show = static s => s.Instances,
            Schema = KeySchemas.Integer(0, int.MaxValue),
        },
        new("max_retries", "integer ≥ 0", "`3`", "how many failed tries *in a row* are retried; `0` = forever. With `3`, an instance that keeps failing runs 4 times and ends `RetriesExceeded` at `currentTry` 4. A run that stays up `min_uptime_ms` ends the streak (see [Retries and backoff](operations.md#retries-and-backoff))")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n) ? p.Spec with { MaxRetries = n } : p.Spec,
            Show = static s => s.MaxRetries,
            Schema = KeySchemas.Integer(0, int.MaxValue),
        },
        new("max_instances", "integer ≥ 1", "`1000`", "the most instances `/ps` may ask for; `instances` must not exceed it")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n, "a positive integer") ? p.Spec with { MaxInstances = n } : p.Spec,
            Show = static s => s.MaxInstances,
            Schema = KeySchemas.Integer(1, int.MaxValue),
        },
        new("restart", "`\"on-failure\"`, `\"always\"`, `\"never\"`", "`\"on-failure\"`", "when an exited instance is started again: after a failure only; after every exit (a clean exit waits `restart_delay_ms`; the instance is never `Done`); never (a failure leaves it `Failed`)")
        {
            Read = static (r, p, c, v) => r.ReadRestart(p, c, v),
            Show = static s => ProgramKeyValues.RestartName(s.Restart),
            Schema = KeySchemas.OneOf("on-failure", "always", "never"),
        },
        new("restart_delay_ms", "[duration](#durations-and-sizes) ≥ 0", "`100`", "the wait after the first failure of a streak; it doubles with each further failure in a row, with ±20 % jitter. `0` restarts at once, always (no backoff)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadDuration(c, v, out var d) ? p.Spec with { RestartDelay = d } : p.Spec,
            Show = static s => Milliseconds(s.RestartDelay),
            Schema = KeySchemas.Duration,
        },
        new("restart_delay_max_ms", "[duration](#durations-and-sizes) ≥ 0", "`30000`", "the longest wait between tries")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadDuration(c, v, out var d) ? p.Spec with { RestartDelayMax = d } : p.Spec,
            Show = static s => Milliseconds(s.RestartDelayMax),
            Schema = KeySchemas.Duration,
        },
        new("min_uptime_ms", "[duration](#durations-and-sizes) ≥ 0", "`1000`", "a run that stays up this long is stable: the instance's `consecutiveFailures` go back to 0, so its backoff and retry budget start over. `0`: every run that starts counts as stable")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadDuration(c, v, out var d) ? p.Spec with { MinUptime = d } : p.Spec,
            Show = static s => Milliseconds(s.MinUptime),
            Schema = KeySchemas.Duration,
        },
        new("stop_signal", "string", "`\"TERM\"`", "the signal that asks an instance to stop: `HUP`, `INT`, `QUIT`, `KILL`, `USR1`, `USR2`, `TERM` (a `SIG` prefix is accepted)")
        {
            Read = static (r, p, c, v) => r.ReadStopSignal(p, c, v),
            Show = static s => Signals.NameOf(s.StopSignal),
            Schema = KeySchemas.Signal,
        },
        new("stop_timeout_ms", "[duration](#durations-and-sizes) ≥ 0", "`10000`", "how long a stopping instance may take before its process group gets SIGKILL")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadDuration(c, v, out var d) ? p.Spec with { StopTimeout = d } : p.Spec,
            Show = static s => Milliseconds(s.StopTimeout),
            Schema = KeySchemas.Duration,
        },
        new("max_memory", "[size](#durations-and-sizes) > 0", "none", "restart an instance whose processes together stay above this resident memory for two samples in a row (`sample_interval_ms` apart), as PM2's `max_memory_restart`: `\"300M\"` (K, M, G are 1024-based). A restart, not a failure; the event and the log say `restarted: memory 412 MiB above max_memory 300 MiB`. With several instances, one is restarted at a time. Needs sampling (`sample_interval_ms` above 0)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadSize(c, v, out var n) ? p.Spec with { MaxMemory = n } : p.Spec,
            Show = static s => s.MaxMemory,
            Schema = KeySchemas.Size,
        },
        new("cron_restart", "string (a cron expression)", "none", "restart the program's running instances at each tick, one at a time when it has several (a rolling restart), as PM2's `cron_restart`: `\"0 3 * * *\"` is every day at 03:00. 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; in `timezone`. The next tick is `nextScheduleAt` in the API. Ticks missed while krust-pm was down are not made up. See [Scheduled restarts and jobs](#scheduled-restarts-and-jobs)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadString(c, v, "\"0 3 * * *\"", out var s) ? p.Spec with { CronRestart = s } : p.Spec,
            Show = static s => s.CronRestart,
            Schema = KeySchemas.String,
        },
        new("schedule", "string (a cron expression)", "none", "make the program a job: not started when loaded but at each tick (`\"*/5 * * * *\"`: every 5 minutes), never twice at once (an instance still running at a tick is left alone); `Done` between ticks; `max_retries` applies within a tick. Not with `cron_restart`, nor `restart = \"always\"`. See [Scheduled restarts and jobs](#scheduled-restarts-and-jobs)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadString(c, v, "\"*/5 * * * *\"", out var s) ? p.Spec with { Schedule = s } : p.Spec,
            Show = static s => s.Schedule,
            Schema = KeySchemas.String,
        },
        new("timezone", "string (an IANA time zone)", "krust-pm's local zone", "the time zone of `cron_restart` and `schedule`: `\"Europe/Paris\"`, `\"UTC\"`")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadString(c, v, "\"Europe/Paris\"", out var s) ? p.Spec with { TimeZone = s } : p.Spec,
            Show = static s => s.TimeZone,
            Schema = KeySchemas.String,
        },
        new("workdir", "string", "the config file's folder", "the working directory of the program's processes (and their `PWD`, unless `clear_env`); relative paths resolve against the config file's folder; it must exist (with placeholders, `{index}`..., when each instance starts: see [Instance variables and placeholders](#instance-variables-and-placeholders))")
        {
            Read = static (r, p, c, v) => r.ReadWorkdir(p, c, v),
            Show = static s => s.WorkingDirectory,
            Schema = KeySchemas.String,
        },
        new("env", "table of strings (integers and booleans are written as text)", "`{}`", "variables added to the environment krust-pm was started with (`$VAR` in a string value expands against krust-pm's environment, see [Environment expansion](#environment-expansion)): `env = { KEY = \"value\" }`, `env.KEY = \"value\"` or an `[name.env]` table after `[name]`. They win over inherited ones and over those `user` sets. krust-pm's own token is not inherited (see [What a program inherits](#what-a-program-inherits))")
        {
            Read = static (r, p, c, v) => r.ReadEnvironment(p, c, v),
            Show = static s => Strings(s.Environment.Keys),
            ViewName = "envNames",
            Schema = KeySchemas.Environment,
        },
        new("clear_env", "boolean", "`false`", "start from an empty environment: the program sees only `env` (and HOME, USER, LOGNAME with `user`). `PATH` is then `env`'s, else `/usr/local/bin:/usr/bin:/bin` for finding the command")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadBoolean(c, v, out var b) ? p.Spec with { ClearEnvironment = b } : p.Spec,
            Show = static s => s.ClearEnvironment,
            ViewName = "clearEnv",
            Schema = KeySchemas.Boolean,
        },
        new("log", "boolean or `\"inherit\"`", "`true`", "keep the program's stdout and stderr in files under `log_dir`; `false` reads and discards them; `\"inherit\"` passes them straight to krust-pm's own stdout and stderr (what containers want: the runtime collects them), so no file is written, `ready_log_line` cannot be used, and `krust-pm logs` and the API's log endpoints answer 409 saying the output is not captured. The child's stdout and stderr are then krust-pm's own (no pipe, no copy); `merge_stderr`, `stdout_log` and `log_timestamps` do not apply to it.")
        {
            Read = static (r, p, c, v) => r.ReadLog(p, c, v),
            Show = static s => s.Log.Inherit ? (JsonNode)"inherit" : s.Log.Enabled,
            Schema = KeySchemas.Log,
        },
        new("log_max_bytes", "[size](#durations-and-sizes) ≥ 0", "`10485760` (10 MiB)", "a log file is rotated when it would grow past this (at a line end when there is one); `0` never rotates")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadSize(c, v, out var n) ? p.Spec with { Log = p.Spec.Log with { MaxBytes = n } } : p.Spec,
            Show = static s => s.Log.MaxBytes,
            Schema = KeySchemas.Size,
        },
        new("log_backups", "integer ≥ 0", "`5`", "how many rotated files are kept (`.log.1` newest ... `.log.5` oldest); `0` keeps none")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n) ? p.Spec with { Log = p.Spec.Log with { Backups = n } } : p.Spec,
            Show = static s => s.Log.Backups,
            Schema = KeySchemas.Integer(0, int.MaxValue),
        },
        new("user", "string", "krust-pm's user", "run the program as this OS user, with that user's groups, and `HOME`, `USER` and `LOGNAME` set for it. krust-pm must run as root; otherwise, or when the user does not exist, each try fails to start with the reason in `lastError` and the log (and backs off like any failure), and the other programs run on")
        {
            Read = static (r, p, c, v) => r.ReadUser(p, c, v),
            Show = static s => s.User,
            Schema = KeySchemas.String,
        },
    ];
}
