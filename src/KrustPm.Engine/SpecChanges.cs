using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>What a change of one setting of a running program needs.</summary>
public enum ChangeEffect
{
    /// <summary>Applied in place: the program's processes keep running (the new value applies from now on).</summary>
    InPlace,

    /// <summary>The processes must be started again to take it (it is read when a process is launched).</summary>
    Restart,
}

/// <summary>One setting of a program, as the configuration names it, and what a change of it needs.</summary>
/// <param name="Key">The configuration key (<c>command</c>, <c>env</c>, <c>max_retries</c>...).</param>
/// <param name="Effect">What a change of it needs.</param>
public sealed record SpecSetting(string Key, ChangeEffect Effect);

/// <summary>
/// The settings of a <see cref="ProgramSpec"/> as the configuration names them, and which need a restart when they
/// change (the launch-relevant ones: the process is started with them) and which are applied in place. This is the one
/// list a live reload goes by.
/// </summary>
public static class SpecChanges
{
    /// <summary>Every setting, in the order the documentation lists them.</summary>
    public static ImmutableArray<SpecSetting> Settings { get; } =
    [
        new("command", ChangeEffect.Restart),
        new("workdir", ChangeEffect.Restart),
        new("env", ChangeEffect.Restart),
        new("clear_env", ChangeEffect.Restart),
        new("user", ChangeEffect.Restart),
        new("stop_signal", ChangeEffect.Restart),
        new("log", ChangeEffect.Restart),
        new("ready_log_line", ChangeEffect.Restart),
        new("port_base", ChangeEffect.Restart),
        new("umask", ChangeEffect.Restart),
        new("nice", ChangeEffect.Restart),
        new("rlimits", ChangeEffect.Restart),
        new("memory_max", ChangeEffect.Restart),
        new("cpu_max", ChangeEffect.Restart),
        new("pids_max", ChangeEffect.Restart),
        new("stdout_log", ChangeEffect.Restart),
        new("stderr_log", ChangeEffect.Restart),
        new("merge_stderr", ChangeEffect.Restart),
        new("log_timestamps", ChangeEffect.Restart),
        new("instances", ChangeEffect.InPlace),
        new("max_instances", ChangeEffect.InPlace),
        new("max_retries", ChangeEffect.InPlace),
        new("restart", ChangeEffect.InPlace),
        new("restart_delay_ms", ChangeEffect.InPlace),
        new("restart_delay_max_ms", ChangeEffect.InPlace),
        new("min_uptime_ms", ChangeEffect.InPlace),
        new("stop_timeout_ms", ChangeEffect.InPlace),
        new("log_max_bytes", ChangeEffect.InPlace),
        new("log_backups", ChangeEffect.InPlace),
        new("depends_on", ChangeEffect.InPlace),
        new("restart_with", ChangeEffect.InPlace),
        new("readiness", ChangeEffect.InPlace),
        new("liveness", ChangeEffect.InPlace),
        new("autostart", ChangeEffect.InPlace),
        new("success_exit_codes", ChangeEffect.InPlace),
        new("stop_signal_target", ChangeEffect.InPlace),
        new("groups", ChangeEffect.InPlace),
        new("image", ChangeEffect.InPlace),
        new("max_memory", ChangeEffect.InPlace),
        new("cron_restart", ChangeEffect.InPlace),
        new("schedule", ChangeEffect.InPlace),
        new("timezone", ChangeEffect.InPlace),
    ];

    /// <summary>The settings that differ between two specifications of a program, in <see cref="Settings"/> order.</summary>
    /// <param name="before">The specification it runs with.</param>
    /// <param name="after">The new one.</param>
    /// <returns>The changed settings (none when the two are the same).</returns>
    public static ImmutableArray<SpecSetting> Between(ProgramSpec before, ProgramSpec after) =>
        [.. Settings.Where(setting => Differs(setting.Key, before, after))];

    /// <summary>Whether one setting differs; lists and tables by their contents.</summary>
    private static bool Differs(string key, ProgramSpec a, ProgramSpec b) => key switch
    {
        "command" => a.Command != b.Command || !a.Argv.SequenceEqual(b.Argv),
        "workdir" => a.WorkingDirectory != b.WorkingDirectory,
        "env" => !a.Environment.SequenceEqual(b.Environment),
        "clear_env" => a.ClearEnvironment != b.ClearEnvironment,
        "user" => a.User != b.User,
        "stop_signal" => a.StopSignal != b.StopSignal,
        "log" => a.Log.Enabled != b.Log.Enabled || a.Log.Inherit != b.Log.Inherit,
        "ready_log_line" => a.ReadyLogLine != b.ReadyLogLine,
        "instances" => a.Instances != b.Instances,
        "max_instances" => a.MaxInstances != b.MaxInstances,
        "max_retries" => a.MaxRetries != b.MaxRetries,
        "restart" => a.Restart != b.Restart,
        "restart_delay_ms" => a.RestartDelay != b.RestartDelay,
        "restart_delay_max_ms" => a.RestartDelayMax != b.RestartDelayMax,
        "min_uptime_ms" => a.MinUptime != b.MinUptime,
        "stop_timeout_ms" => a.StopTimeout != b.StopTimeout,
        "log_max_bytes" => a.Log.MaxBytes != b.Log.MaxBytes,
        "log_backups" => a.Log.Backups != b.Log.Backups,
        "depends_on" => !a.DependsOn.SequenceEqual(b.DependsOn),
        "restart_with" => a.RestartWith != b.RestartWith,
        "readiness" => !SameProbe(a.Readiness, b.Readiness),
        "liveness" => !SameProbe(a.Liveness, b.Liveness),
        "port_base" => a.PortBase != b.PortBase,
        "umask" => a.Process.Umask != b.Process.Umask,
        "nice" => a.Process.Nice != b.Process.Nice,
        "rlimits" => !a.Process.Limits.SequenceEqual(b.Process.Limits),
        "memory_max" => a.Process.MemoryMax != b.Process.MemoryMax,
        "cpu_max" => a.Process.CpuMax != b.Process.CpuMax,
        "pids_max" => a.Process.PidsMax != b.Process.PidsMax,
        "stdout_log" => a.Log.StdoutPath != b.Log.StdoutPath,
        "stderr_log" => a.Log.StderrPath != b.Log.StderrPath,
        "merge_stderr" => a.Log.MergeStderr != b.Log.MergeStderr,
        "log_timestamps" => a.Log.Timestamps != b.Log.Timestamps,
        "autostart" => a.Autostart != b.Autostart,
        "success_exit_codes" => !a.SuccessExitCodes.SequenceEqual(b.SuccessExitCodes),
        "stop_signal_target" => a.StopSignalTarget != b.StopSignalTarget,
        "groups" => !a.Groups.SequenceEqual(b.Groups),
        "image" => a.Image != b.Image,
        "max_memory" => a.MaxMemory != b.MaxMemory,
        "cron_restart" => a.CronRestart != b.CronRestart,
        "schedule" => a.Schedule != b.Schedule,
        "timezone" => a.TimeZone != b.TimeZone,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown setting."),
    };

    private static bool SameProbe(Health.ProbeSpec? a, Health.ProbeSpec? b) =>
        (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            _ => a.Exec.SequenceEqual(b.Exec) && a == b with { Exec = a.Exec },
        };
}
