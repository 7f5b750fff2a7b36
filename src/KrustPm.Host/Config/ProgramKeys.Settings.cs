using System.Collections.Immutable;
using System.Text.Json.Nodes;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>The keys of dependencies, health, migration settings, process limits and log files, in the order the documentation lists them.</summary>
internal static partial class ProgramKeys
{
    private static ImmutableArray<ProgramKey> Settings() =>
    [
        new("depends_on", "table of program = condition, or array of program names", "none", "the programs whose instances must meet a condition before any instance of this one starts: `{ db = \"healthy\", migrate = \"completed_successfully\" }`, the same as an `[name.depends_on]` table or dotted keys (`depends_on.db = \"healthy\"`), or `[\"db\", \"cache\"]` meaning `started` for each. See [Dependencies and health](#dependencies-and-health)")
        {
            IsTable = true,
            Show = static s => ProgramKeyValues.DependsOn(s),
            Schema = KeySchemas.DependsOn,
        },
        new("restart_with", "boolean", "`false`", "when a program this one depends on is restarted by a command, restart this one too (it then waits for the condition again). No effect without `depends_on`")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadBoolean(c, v, out var b) ? p.Spec with { RestartWith = b } : p.Spec,
            Show = static s => s.RestartWith,
            Schema = KeySchemas.Boolean,
        },
        new("readiness", "probe table", "none", "how to tell that a run is ready to serve (decides `ready`, and the `healthy` conditions of the programs that depend on this one). See [Probes](#probes)")
        {
            IsTable = true,
            Show = static s => ProgramKeyValues.Probe(s.Readiness),
            Schema = KeySchemas.Probe,
        },
        new("liveness", "probe table", "none", "how to tell that a run is still alive: after `failure_threshold` failures in a row the instance is restarted, counted as a failure")
        {
            IsTable = true,
            Show = static s => ProgramKeyValues.Probe(s.Liveness),
            Schema = KeySchemas.Probe,
        },
        new("ready_log_line", "string (a .NET regular expression)", "none", "a run is ready once a line of its stdout or stderr matches it (alone, or beside `readiness`: whichever comes first)")
        {
            Read = static (r, p, c, v) => r.ReadReadyLogLine(p, c, v),
            Show = static s => s.ReadyLogLine,
            Schema = KeySchemas.String,
        },
        new("autostart", "boolean", "`true`", "whether the instances start when the program is loaded (at start-up or by a reload); `false` loads them `Stopped`, and `krust-pm start NAME` starts them (supervisord's `autostart`)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadBoolean(c, v, out var b) ? p.Spec with { Autostart = b } : p.Spec,
            Show = static s => s.Autostart,
            Schema = KeySchemas.Boolean,
        },
        new("success_exit_codes", "array of integers 0 to 255", "`[0]`", "the exit codes that count as a clean exit: for `restart = \"on-failure\"` (no restart) and for `Done` (supervisord's `exitcodes`)")
        {
            Read = static (r, p, c, v) => r.ReadSuccessExitCodes(p, c, v),
            Show = static s => new JsonArray([.. s.SuccessExitCodes.Select(code => (JsonNode?)code)]),
            Schema = KeySchemas.ExitCodes,
        },
        new("stop_signal_target", "`\"group\"` or `\"main\"`", "`\"group\"`", "who receives `stop_signal` and the signals of `krust-pm signal`: the instance's whole process group, or only its main process (supervisord's `stopasgroup = false`, for masters such as gunicorn or nginx that stop their own workers); `signal --group`/`--main` (API: `?target=group\\|main`) override it per call. The SIGKILL at the end of `stop_timeout_ms` always reaches the whole group, so no worker outlives a stop; the stop log line says `to its main process`")
        {
            Read = static (r, p, c, v) => r.ReadSignalTarget(p, c, v),
            Show = static s => ProgramKeyValues.SignalTargetName(s.StopSignalTarget),
            Schema = KeySchemas.OneOf("group", "main"),
        },
        new("port_base", "integer 1 to 65535", "none", "instance index `i` gets port `port_base + i`: as the `{port}` placeholder and as `PORT` in its environment (unless `env` sets `PORT`, foreman's convention). `port_base + max_instances - 1` must not pass 65535. See [Instance variables and placeholders](#instance-variables-and-placeholders)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n, "a port from 1 to 65535") ? p.Spec with { PortBase = n } : p.Spec,
            Show = static s => s.PortBase,
            Schema = KeySchemas.Integer(1, ProgramSpec.MaxPort),
        },
        new("groups", "array of names", "`[]`", "the groups the program belongs to (names follow the rules of program names); commands take `@web` for every program of group `web`, and `all` for every program")
        {
            Read = static (r, p, c, v) => r.ReadGroups(p, c, v),
            Show = static s => Strings(s.Groups),
            Schema = KeySchemas.Names,
        },
        new("umask", "string of octal digits, or an octal integer", "krust-pm's", "the file mode creation mask of the program's processes: `\"022\"` or `0o022` (a decimal integer such as `22` is refused: it would silently mean `0o026`)")
        {
            Read = static (r, p, c, v) => r.ReadUmask(p, c, v),
            Show = static s => s.Process.Umask is { } umask ? Convert.ToString(umask, 8).PadLeft(3, '0') : null,
            Schema = KeySchemas.Umask,
        },
        new("nice", "integer -20 to 19", "krust-pm's", "the processes' nice value, absolute (lowering it below krust-pm's needs root); see [umask, nice and rlimits](#umask-nice-and-rlimits)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n, "an integer from -20 (most favoured) to 19") ? p.Spec with { Process = p.Spec.Process with { Nice = n } } : p.Spec,
            Show = static s => s.Process.Nice,
            Schema = KeySchemas.Integer(-20, 19),
        },
        new("rlimits", "table of limit = value", "none", "resource limits set before exec, by their `prlimit` names: `as`, `core`, `cpu`, `data`, `fsize`, `locks`, `memlock`, `msgqueue`, `nice`, `nofile`, `nproc`, `rss`, `rtprio`, `rttime`, `sigpending`, `stack`. A value sets the soft and hard limit (`nofile = 65536`), `{ soft = 1024, hard = 4096 }` sets each, `\"unlimited\"` is no limit, and limits in bytes (`as`, `core`, `data`, `fsize`, `memlock`, `msgqueue`, `rss`, `stack`) take [sizes](#durations-and-sizes) (`core = \"1G\"`). Also written `[web.rlimits]` or `rlimits.nofile = 65536`")
        {
            IsTable = true,
            Show = static s => ProgramKeyValues.Limits(s.Process.Limits),
            Schema = KeySchemas.Limits,
        },
        new("memory_max", "[size](#durations-and-sizes) ≥ 1M", "none", "the most memory the instance's processes may use together (cgroup v2 `memory.max`, systemd's `MemoryMax`): past it the kernel reclaims, then its OOM killer kills one of them; an instance whose process was killed so fails with the reason `killed by the kernel: out of memory, memory_max 256 MiB`. Needs `cgroup` containment and the memory controller; see [limits](operations.md#limits-memory_max-cpu_max-pids_max)")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadSize(c, v, out var n) ? p.Spec with { Process = p.Spec.Process with { MemoryMax = n } } : p.Spec,
            Show = static s => s.Process.MemoryMax,
            Schema = KeySchemas.Size,
        },
        new("cpu_max", "string: a percentage of one CPU", "none", "the most CPU time the instance's processes may use together, in percent of one CPU (cgroup v2 `cpu.max`, systemd's `CPUQuota`): `\"50%\"` is half a CPU, `\"200%\"` two. Needs `cgroup` containment and the cpu controller")
        {
            Read = static (r, p, c, v) => r.ReadCpuMax(p, c, v),
            Show = static s => s.Process.CpuMax is { } percent ? $"{percent}%" : null,
            Schema = KeySchemas.Percentage,
        },
        new("pids_max", "integer ≥ 1", "none", "the most processes and threads the instance may have at once (cgroup v2 `pids.max`, systemd's `TasksMax`): a fork past it fails, so a fork bomb stays inside its instance. Needs `cgroup` containment and the pids controller")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadInt(c, v, out var n, "a positive integer") ? p.Spec with { Process = p.Spec.Process with { PidsMax = n } } : p.Spec,
            Show = static s => s.Process.PidsMax,
            Schema = () => KeySchemas.Integer(1, int.MaxValue)(),
        },
        new("stdout_log", "string (a file path)", "`log_dir/NAME.ID.stdout.log`", "the file the program's stdout goes to, relative to the config file's folder; give it `{id}` or `{index}` (placeholders, with `{program}`) so that each instance has its own file: `\"/var/log/web/{program}.{id}.log\"` (with more than one instance that is required: a path without them is an error, and a scale-up that would make instances share one file is refused). Its folder is created when needed; one that cannot be (`/proc/x`, under a file, not writable) is refused at start and by `krust-pm check` (exit 2), as `log_dir` is")
        {
            Read = static (r, p, c, v) => r.ReadLogPath(p, c, v),
            Show = static s => s.Log.StdoutPath,
            Schema = KeySchemas.String,
        },
        new("stderr_log", "string (a file path)", "`log_dir/NAME.ID.stderr.log`", "the same for stderr; not allowed with `merge_stderr = true`")
        {
            Read = static (r, p, c, v) => r.ReadLogPath(p, c, v),
            Show = static s => s.Log.StderrPath,
            Schema = KeySchemas.String,
        },
        new("merge_stderr", "boolean", "`false`", "write stderr into the stdout log, in the order the program wrote them: the child's stdout and stderr are one pipe (supervisord's `redirect_stderr`); there is then no stderr file, and `logs --stderr` shows nothing. On a kernel without pidfd (before 5.3, where krust-pm falls back to .NET's Process) the streams stay apart")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadBoolean(c, v, out var b) ? p.Spec with { Log = p.Spec.Log with { MergeStderr = b } } : p.Spec,
            Show = static s => s.Log.MergeStderr,
            Schema = KeySchemas.Boolean,
        },
        new("log_timestamps", "boolean", "`false`", "begin each captured line with the UTC time krust-pm read its first bytes, `2026-12-05T00:31:02.123Z ` (ISO 8601, milliseconds), in the file and so in `logs`, the API and `--attach`; `krust-pm logs --since 10m` needs it")
        {
            Read = static (r, p, c, v) => p.Spec = r.TryReadBoolean(c, v, out var b) ? p.Spec with { Log = p.Spec.Log with { Timestamps = b } } : p.Spec,
            Show = static s => s.Log.Timestamps,
            Schema = KeySchemas.Boolean,
        },
        new("image", "string (a container image reference)", "none", "the image the program runs in when exported with `krust-pm export kubernetes` (its command must exist in it); `--image` applies to the programs without one. krust-pm itself does not use it. See [export.md](export.md#kubernetes)")
        {
            Read = static (r, p, c, v) => r.ReadImage(p, c, v),
            Show = static s => s.Image,
            Schema = KeySchemas.String,
        },
    ];
}
