using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace KrustPm.Engine;

/// <summary>
/// What to run and how to supervise it: one program of the configuration, independent of where it came from
/// (a TOML file, code, a test). Immutable; derive variants with <c>with</c>.
/// </summary>
/// <param name="Name">The program's unique name, as in the configuration table.</param>
/// <param name="Command">The command as the user wrote it, shown back in the API's <c>cmd</c> field.</param>
/// <param name="Argv">The executable followed by its arguments, already split (no shell is involved).</param>
public sealed partial record ProgramSpec(string Name, string Command, ImmutableArray<string> Argv)
{
    /// <summary>The default for <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>The default for <see cref="MaxInstances"/>.</summary>
    public const int DefaultMaxInstances = 1000;

    /// <summary>How many instances to start. Defaults to 1.</summary>
    public int Instances { get; init; } = 1;

    /// <summary>
    /// How many consecutive failed tries of an instance are retried before it ends in
    /// <see cref="InstanceStatus.RetriesExceeded"/>; 0 means retry forever. With 3, an instance that keeps failing
    /// runs 4 times (tries 1 to 4). A run that stays up <see cref="MinUptime"/> ends the streak.
    /// </summary>
    public int MaxRetries { get; init; } = DefaultMaxRetries;

    /// <summary>The largest instance count a scale request may ask for.</summary>
    public int MaxInstances { get; init; } = DefaultMaxInstances;

    /// <summary>When an exited instance is started again. Defaults to <see cref="RestartPolicy.OnFailure"/>.</summary>
    public RestartPolicy Restart { get; init; } = RestartPolicy.OnFailure;

    /// <summary>
    /// The wait before the next try after one failure; it doubles with each further consecutive failure, up to
    /// <see cref="RestartDelayMax"/>. Also the wait before restarting a clean exit under
    /// <see cref="RestartPolicy.Always"/>. Zero restarts at once, always. Defaults to 100 ms.
    /// </summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between tries. Defaults to 30 s.</summary>
    public TimeSpan RestartDelayMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a run must stay up to count as stable: it then resets the instance's consecutive failures (and so
    /// its backoff and its retry budget). Defaults to 1 s.
    /// </summary>
    public TimeSpan MinUptime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The signal that asks an instance to stop. Defaults to SIGTERM.</summary>
    public int StopSignal { get; init; } = Signals.Terminate;

    /// <summary>How long a stopping instance may take before its process group gets SIGKILL. Defaults to 10 s.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The working directory of the program's processes; <see langword="null"/> inherits the engine's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables set for the program's processes, on top of the inherited ones.</summary>
    public ImmutableSortedDictionary<string, string> Environment { get; init; } =
        ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Whether the program starts from an empty environment (only <see cref="Environment"/>).</summary>
    public bool ClearEnvironment { get; init; }

    /// <summary>The OS user to run the program as (krust-pm must run as root); <see langword="null"/> runs as krust-pm's user.</summary>
    public string? User { get; init; }

    /// <summary>What happens to the program's output: kept in rotating files by default.</summary>
    public Logs.LogPolicy Log { get; init; } = Logs.LogPolicy.Default;

    /// <summary>
    /// The programs this one waits for before any of its instances starts, each with the condition it must meet
    /// (see <see cref="Health.DependencyCondition"/>). Names must exist and the graph must have no cycle
    /// (<see cref="Health.DependencyGraph.Check"/>). At shutdown a program stops only after every program that
    /// depends on it has stopped.
    /// </summary>
    public ImmutableSortedDictionary<string, Health.DependencyCondition> DependsOn { get; init; } =
        ImmutableSortedDictionary<string, Health.DependencyCondition>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// Whether a restart of a program this one depends on (through a command) restarts this program's instances
    /// too; they then wait for the dependency's condition again. Defaults to <see langword="false"/>.
    /// </summary>
    public bool RestartWith { get; init; }

    /// <summary>The readiness probe: decides <see cref="InstanceState.Ready"/>; <see langword="null"/> for none.</summary>
    public Health.ProbeSpec? Readiness { get; init; }

    /// <summary>
    /// The liveness probe: after <see cref="Health.ProbeSpec.FailureThreshold"/> failures in a row the instance is
    /// restarted, counted as a failure; <see langword="null"/> for none.
    /// </summary>
    public Health.ProbeSpec? Liveness { get; init; }

    /// <summary>
    /// A regular expression: a run is ready once a line of its stdout or stderr matches it (needs a launcher that
    /// captures output). <see langword="null"/> for none.
    /// </summary>
    public string? ReadyLogLine { get; init; }

    /// <summary>
    /// Whether the program's instances start when it is loaded (at start-up or by a reload). With
    /// <see langword="false"/> they are loaded as <see cref="InstanceStatus.Stopped"/> and started by a start command.
    /// Defaults to <see langword="true"/>.
    /// </summary>
    public bool Autostart { get; init; } = true;

    /// <summary>
    /// The exit codes that count as a clean exit (supervisord's <c>exitcodes</c>): for <see cref="RestartPolicy.OnFailure"/>
    /// and for <see cref="InstanceStatus.Done"/>. Defaults to <c>[0]</c>.
    /// </summary>
    public ImmutableArray<int> SuccessExitCodes { get; init; } = [0];

    /// <summary>
    /// Who receives the stop signal and signals sent by a signal command: the instance's whole process group (the
    /// default) or only its main process (supervisord's <c>stopasgroup = false</c>, for masters such as gunicorn or
    /// nginx that manage their own workers). SIGKILL at the end of the stop timeout always reaches the whole group.
    /// </summary>
    public SignalTarget StopSignalTarget { get; init; } = SignalTarget.Group;

    /// <summary>
    /// The first port of the program's instances: instance index <c>i</c> gets <c>PortBase + i</c> as its
    /// <c>{port}</c> placeholder and its <c>PORT</c> variable (unless <see cref="Environment"/> sets <c>PORT</c>).
    /// <see langword="null"/> for none.
    /// </summary>
    public int? PortBase { get; init; }

    /// <summary>The groups the program belongs to; commands accept <c>@group</c> to address all of a group's programs.</summary>
    public ImmutableArray<string> Groups { get; init; } = [];

    /// <summary>The process settings applied to the program's processes before exec: umask, nice, resource limits.</summary>
    public ProcessSettings Process { get; init; } = ProcessSettings.Default;

    /// <summary>
    /// The container image the program runs in when it is exported to Kubernetes (<c>image</c>); krust-pm itself does
    /// not use it. <see langword="null"/> for none (the export's <c>--image</c> then applies).
    /// </summary>
    public string? Image { get; init; }

    /// <summary>
    /// The most resident memory an instance's processes may use together (<c>max_memory</c>, PM2's
    /// <c>max_memory_restart</c>): an instance that krust-pm samples above it twice in a row is restarted (not counted as a
    /// failure), one instance of the program at a time. <see langword="null"/> for no limit.
    /// </summary>
    public long? MaxMemory { get; init; }

    /// <summary>
    /// A cron expression (<c>cron_restart</c>, PM2's): at each tick the program's running instances are restarted, one
    /// at a time (rolling) when it has several. <see langword="null"/> for none. See <see cref="CronSchedule"/>.
    /// </summary>
    public string? CronRestart { get; init; }

    /// <summary>
    /// A cron expression (<c>schedule</c>) that makes the program a job: its instances are not started when it is
    /// loaded but at each tick (an instance still running from the last tick is left alone: never two runs at once),
    /// and rest <see cref="InstanceStatus.Done"/> between ticks; <see cref="MaxRetries"/> applies within a tick.
    /// </summary>
    public string? Schedule { get; init; }

    /// <summary>The IANA time zone of <see cref="CronRestart"/> and <see cref="Schedule"/>; krust-pm's local zone when <see langword="null"/>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The program's cron expression, whichever kind: <see cref="Schedule"/>, else <see cref="CronRestart"/>.</summary>
    [JsonIgnore]
    public string? Cron => Schedule ?? CronRestart;

    /// <summary>Whether an exit code counts as a clean exit: it is one of <see cref="SuccessExitCodes"/> (0 when none is set).</summary>
    /// <param name="exitCode">The exit code (128 + N when killed by signal N).</param>
    public bool IsSuccessExit(int exitCode) =>
        SuccessExitCodes.IsDefaultOrEmpty ? exitCode == 0 : SuccessExitCodes.Contains(exitCode);

    /// <summary>Whether retries never run out (<see cref="MaxRetries"/> is 0).</summary>
    [JsonIgnore]
    public bool RetriesForever => MaxRetries == 0;
}
