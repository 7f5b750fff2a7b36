using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KrustPm.Host.Api;

/// <summary>
/// One program in <c>GET /</c> and <c>/api/v1/programs</c>: the seed contract's fields first, then extras. The v1
/// endpoints add <see cref="Config"/>, <see cref="Retiring"/> and <see cref="RollingRestart"/>.
/// </summary>
public sealed record ProgramView(
    string Name,
    string Cmd,
    string Status,
    int TotalInstances,
    IReadOnlyList<InstanceView> Instances)
{
    /// <summary>Instances removed by a scale-down or a delete that are still stopping.</summary>
    public IReadOnlyList<InstanceView>? Retiring { get; init; }

    /// <summary>The rolling restart in progress: the instance being restarted and those still to come.</summary>
    public RollingRestartView? RollingRestart { get; init; }

    /// <summary>
    /// The program's configuration, defaults applied, by its keys in camelCase (<c>restartDelayMs</c>; environment
    /// values are not shown, only names): rendered from the key registry (<see cref="Config.ProgramKeys"/>).
    /// </summary>
    public System.Text.Json.Nodes.JsonObject? Config { get; init; }

    /// <summary>For a program with <c>cron_restart</c> or <c>schedule</c>: its next tick.</summary>
    public DateTimeOffset? NextScheduleAt { get; init; }
}

public sealed record RollingRestartView(long Current, IReadOnlyList<long> Remaining);

/// <summary>The last result of a probe of the current run.</summary>
public sealed record ProbeOutcomeView(bool Passed, string Detail, DateTimeOffset At);

/// <summary>The answer to a command on a program or an instance.</summary>
/// <param name="Program">The program.</param>
/// <param name="Instance">The instance, when the command named one.</param>
/// <param name="Action">What was done: start, stop, restart, delete, signal.</param>
/// <param name="Affected">How many instances it affected.</param>
public sealed record CommandView(string Program, long? Instance, string Action, int Affected);

/// <summary>
/// The answer to a command on a group (<c>@web</c>) or on <c>all</c>: the same command on each program, answered
/// per program.
/// </summary>
/// <param name="Target">The target as given: <c>@group</c> or <c>all</c>.</param>
/// <param name="Action">What was done: start, stop, restart, signal.</param>
/// <param name="Affected">How many instances it affected, over every program.</param>
/// <param name="Programs">Each program's answer, in configuration order.</param>
public sealed record TargetCommandView(string Target, string Action, int Affected, IReadOnlyList<ProgramOutcomeView> Programs);

/// <summary>One program's part of a <see cref="TargetCommandView"/>.</summary>
/// <param name="Program">The program.</param>
/// <param name="Status">The HTTP status the command on this program alone would have answered (200, 202, 404, 409, ...).</param>
/// <param name="Affected">How many of its instances the command affected.</param>
/// <param name="Detail">When it failed: why (the problem's detail).</param>
public sealed record ProgramOutcomeView(string Program, int Status, int Affected, string? Detail);

/// <summary>The answer to a scale command: the new count and what changed.</summary>
public sealed record ScaleView(string Program, int Instances, int Added, int Removed);

/// <summary>The body of <c>POST /api/v1/programs/{name}/scale</c>.</summary>
public sealed record ScaleRequest(int? Instances);

/// <summary>The body of <c>POST /api/v1/programs/{name}/signal</c>.</summary>
public sealed record SignalRequest(string? Signal, long? Instance);

/// <summary>
/// The answer of <c>GET /healthz</c>: <c>ok</c>, or <c>degraded</c> with the problems: krust-pm itself short of a
/// resource to start programs (then with the reason, since when, and how many instances wait for it), or a journal
/// that does not write.
/// </summary>
public sealed record HealthView(string Status, long Version, int Programs)
{
    /// <summary>How krust-pm holds its programs' processes: <c>cgroup v2 (PATH)</c> or <c>process groups</c>.</summary>
    public string? Containment { get; init; }

    /// <summary>When <see cref="Status"/> is <c>degraded</c>: what is wrong, one sentence each.</summary>
    public IReadOnlyList<string>? Problems { get; init; }

    /// <summary>Events the journal could not write since krust-pm started (left out when none).</summary>
    public long? JournalDropped { get; init; }

    /// <summary>While krust-pm is short of a resource: what it is short of.</summary>
    public string? Reason { get; init; }

    /// <summary>While krust-pm is short of a resource: since when.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>While krust-pm is short of a resource: how many instances wait for it.</summary>
    public int? WaitingForResources { get; init; }
}

/// <summary>One instance in <c>GET /</c>: <c>id</c>, <c>currentTry</c> and <c>status</c> are the seed contract.</summary>
public sealed record InstanceView(long Id, int CurrentTry, string Status)
{
    /// <summary>The instance's index, 0 to instances-1 (its <c>KRUST_PM_INDEX</c> and <c>{index}</c>).</summary>
    public int Index { get; init; }

    /// <summary>Failed tries in a row since the last stable run; drives the backoff and the retry budget.</summary>
    public int ConsecutiveFailures { get; init; }

    public int? Pid { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? ExitedAt { get; init; }

    public int? LastExitCode { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? NextTryAt { get; init; }

    /// <summary>
    /// While the instance has a run, for a program with a readiness probe or <c>ready_log_line</c>: whether the run
    /// is ready. Left out otherwise.
    /// </summary>
    public bool? Ready { get; init; }

    /// <summary>While <c>Waiting</c> or <c>Blocked</c>: the dependencies not met, as <c>db (healthy)</c>. Left out when none.</summary>
    public IReadOnlyList<string>? WaitingFor { get; init; }

    public ProbeOutcomeView? LastReadiness { get; init; }

    /// <summary>While it runs (and krust-pm samples): CPU over the last sample interval, in % of one core.</summary>
    public double? CpuPercent { get; init; }

    /// <summary>While it runs: CPU time its processes used since the run started, in seconds.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>While it runs: resident memory of all of its processes, in bytes.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>While it runs: how many processes it has (its main process and every descendant).</summary>
    public int? Processes { get; init; }

    /// <summary>While it runs: how many threads its processes have.</summary>
    public int? Threads { get; init; }

    /// <summary>While it runs: how many file descriptors its processes have open.</summary>
    public int? OpenFiles { get; init; }

    /// <summary>While it runs: when the resource fields were sampled.</summary>
    public DateTimeOffset? SampledAt { get; init; }

    public ProbeOutcomeView? LastLiveness { get; init; }

    /// <summary>
    /// When krust-pm restored the instance from its journal after a restart of krust-pm (left out for an instance of
    /// this run): an <see cref="ExitedAt"/> before it belongs to the previous run.
    /// </summary>
    public DateTimeOffset? RestoredAt { get; init; }

    /// <summary>How many times the instance was started again (tries after the first).</summary>
    public int Restarts => CurrentTry - 1;
}

/// <summary>The last lines of one stream of one instance (<c>GET /api/v1/programs/{name}/logs</c>).</summary>
public sealed record LogLinesView(string Program, long Instance, string Stream, IReadOnlyList<string> Lines);

/// <summary>
/// The answer of <c>GET /api/v1/logs</c>: the lines of several instances (a program's, a group's, every program's),
/// each with its program and instance.
/// </summary>
/// <param name="Target">What was asked: a program, <c>@group</c> or <c>all</c>.</param>
/// <param name="Stream">stdout or stderr.</param>
/// <param name="Instances">The instances read, as <c>name.id</c>.</param>
/// <param name="Lines">The lines: each instance's last <c>tail</c> lines (at or after <c>since</c>), ordered by their time when the lines carry one, else instance after instance.</param>
public sealed record TargetLogLinesView(string Target, string Stream, IReadOnlyList<string> Instances, IReadOnlyList<LogEntryView> Lines);

/// <summary>One line of an instance's output.</summary>
public sealed record LogEntryView(string Program, long Instance, string Line);

/// <summary>The answer to <c>POST /api/v1/logs/reopen</c>: how many log files were open, and are now reopened.</summary>
public sealed record LogsReopenedView(int Reopened);

/// <summary>The JSON options of every API answer: camelCase, indented, nulls left out, and readable text.</summary>
internal static class ApiJson
{
    /// <summary>
    /// The source-generated context with relaxed escaping, so that a reason such as <c>no such user 'x'</c> reads as
    /// written instead of <c>\u0027x\u0027</c> (answers are JSON documents, never embedded in HTML).
    /// </summary>
    public static ApiJsonContext Context { get; } = new(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>
    /// For reading request bodies: numbers must be JSON numbers (the web defaults accept <c>"2"</c>), and unknown or
    /// repeated fields are errors rather than ignored.
    /// </summary>
    public static ApiJsonContext Requests { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    });

    /// <summary>The same, on one line: for Server-Sent Events, where a record is one <c>data:</c> line.</summary>
    public static ApiJsonContext Compact { get; } =
        new(new JsonSerializerOptions(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web))) { WriteIndented = false });

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.WriteIndented = true;
        return options;
    }
}

/// <summary>Source-generated JSON for everything the API writes: no reflection, ready for Native AOT.</summary>
[JsonSerializable(typeof(IReadOnlyList<ProgramView>))]
[JsonSerializable(typeof(LogLinesView))]
[JsonSerializable(typeof(TargetLogLinesView))]
[JsonSerializable(typeof(LogEntryView))]
[JsonSerializable(typeof(LogsReopenedView))]
[JsonSerializable(typeof(ProgramView))]
[JsonSerializable(typeof(CommandView))]
[JsonSerializable(typeof(TargetCommandView))]
[JsonSerializable(typeof(ProgramOutcomeView[]))]
[JsonSerializable(typeof(ScaleView))]
[JsonSerializable(typeof(ScaleRequest))]
[JsonSerializable(typeof(SignalRequest))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(Events.ApiEvent))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(ReloadView))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
