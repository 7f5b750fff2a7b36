using Newtonsoft.Json;

namespace KrustPm.Engine.Tests;

/// <summary>
/// A plain projection of <see cref="EngineState"/> for snapshots and structural comparison: enums as names, sets
/// sorted, times as milliseconds after <see cref="Given.Epoch"/>, effects as one readable line each.
/// </summary>
internal static partial class StateView
{
    public static object Of(EngineState state, bool withVersion = true) => new
    {
        Version = withVersion ? state.Version : (long?)null,
        state.NextRunId,
        state.ShuttingDown,
        state.HasLiveRuns,
        PendingReplies = state.PendingReplies.Select(p => new
        {
            p.RequestId,
            AwaitedRuns = p.AwaitedRuns.Order().ToArray(),
            Result = Describe(p.Result),
        }),
        Programs = state.Programs.Select(p => new
        {
            p.Name,
            p.NextInstanceId,
            Instances = p.Instances.Select(Of),
            Retiring = p.Retiring.Select(Of),
        }),
    };

    /// <summary>A story: each message with the effects it gave, then the final state.</summary>
    public static object Story(params Message[] messages)
    {
        var state = EngineState.Empty;
        var steps = new List<object>();
        foreach (var message in messages)
        {
            (state, var effects) = Decider.Reduce(state, message);
            steps.Add(new { Message = Describe(message), Effects = effects.Select(Describe) });
        }

        return new { Steps = steps, State = Of(state) };
    }

    /// <summary>A story that also shows, after each step, where one instance is: its status, try, streak and next try.</summary>
    public static object Story(string program, long instance, params Message[] messages)
    {
        var state = EngineState.Empty;
        var steps = new List<object>();
        foreach (var message in messages)
        {
            (state, var effects) = Decider.Reduce(state, message);
            var watched = state.Find(program)?.Instances.FirstOrDefault(i => i.Id == instance);
            steps.Add(new { Message = Describe(message), Effects = effects.Select(Describe), Instance = Summary(watched) });
        }

        return new { Steps = steps, State = Of(state) };
    }

    /// <summary>
    /// A story of one program's control commands: after each step, the rolling restart in progress and a line per
    /// instance (status, try, streak, whether a restart is requested).
    /// </summary>
    public static object ProgramStory(string program, params Message[] messages)
    {
        var state = EngineState.Empty;
        var steps = new List<object>();
        foreach (var message in messages)
        {
            (state, var effects) = Decider.Reduce(state, message);
            var watched = state.Find(program);
            steps.Add(new
            {
                Message = Describe(message),
                Effects = effects.Select(Describe),
                Rolling = Describe(watched?.Rolling),
                Instances = watched?.Instances.Select(i => $"#{i.Id} {Summary(i)}{(i.RestartRequested ? ", restart requested" : "")}"),
            });
        }

        return new { Steps = steps, State = Of(state) };
    }

    /// <summary>
    /// The state as JSON, without its version: equal when two states hold the same facts. Besides <see cref="Of(EngineState, bool)"/>
    /// (what the snapshots show), it holds the control commands' facts: rolling restarts and requested restarts.
    /// </summary>
    public static string Facts(EngineState state) => JsonConvert.SerializeObject(
        new
        {
            State = Of(state, withVersion: false),
            Control = state.Programs.Select(p => new
            {
                p.Name,
                Rolling = Describe(p.Rolling),
                RestartRequested = p.Instances.Concat(p.Retiring).Where(i => i.RestartRequested).Select(i => i.Id),
            }),
            Health = HealthFacts(state),
        },
        Formatting.Indented);

    public static string? Describe(RollingRestart? rolling) => rolling is null
        ? null
        : $"request {rolling.RequestId}{(rolling.AnswerAtEnd ? "" : " (answered)")}: restarting #{rolling.Current}"
            + (rolling.Run is { } run ? $" (run {run})" : "")
            + $", then [{string.Join(", ", rolling.Remaining.Select(i => $"#{i}"))}], done [{string.Join(", ", rolling.Restarted.Select(i => $"#{i}"))}], {rolling.Count} in all";

    public static string Describe(Effect effect) => effect switch
    {
        Effect.Launch { Request: var r } => $"Launch run {r.RunId}: {r.Program.Name}#{r.InstanceId} try {r.Try}",
        Effect.SendSignal s => $"Signal {s.Signal} to run {s.RunId}",
        Effect.Schedule { Message: Message.RetryDue m } => $"Schedule RetryDue {m.Program}#{m.InstanceId} try {m.Try} at {Ms(m.At)}",
        Effect.Schedule { Message: Message.StopTimeoutElapsed m } => $"Schedule StopTimeoutElapsed run {m.RunId} at {Ms(m.At)}",
        Effect.Schedule { Message: Message.UptimeReached m } => $"Schedule UptimeReached run {m.RunId} at {Ms(m.At)}",
        Effect.Schedule { Message: Message.ProbeDue m } => $"Schedule ProbeDue {m.Kind} run {m.RunId} at {Ms(m.At)}",
        Effect.RunProbe p => $"Run {Describe(p.Request)}",
        Effect.Schedule s => $"Schedule {s.Message}",
        Effect.Reply r => $"Reply {r.RequestId}: {Describe(r.Result)}",
        _ => effect.ToString(),
    };

    public static string Describe(Message message) => message switch
    {
        Message.Load m => $"{Ms(m.At)} Load #{m.RequestId}: {string.Join(", ", m.Programs.Select(p => $"{p.Name} x{p.Instances}{DescribeDependencies(p)}"))}",
        Message.Scale m => $"{Ms(m.At)} Scale #{m.RequestId}: {m.Program} to {m.To}",
        Message.Shutdown m => $"{Ms(m.At)} Shutdown #{m.RequestId}",
        Message.Started m => $"{Ms(m.At)} Started run {m.RunId} pid {m.Pid}",
        Message.StartFailed m => $"{Ms(m.At)} StartFailed run {m.RunId}: {m.Reason}{Jitter(m.Jitter)}",
        Message.StartDeferred m => $"{Ms(m.At)} StartDeferred run {m.RunId}: {m.Reason}{Jitter(m.Jitter)}",
        Message.Exited m => $"{Ms(m.At)} Exited run {m.RunId} code {m.ExitCode}{Jitter(m.Jitter)}",
        Message.RetryDue m => $"{Ms(m.At)} RetryDue {m.Program}#{m.InstanceId} try {m.Try}",
        Message.UptimeReached m => $"{Ms(m.At)} UptimeReached run {m.RunId}",
        Message.StopTimeoutElapsed m => $"{Ms(m.At)} StopTimeoutElapsed run {m.RunId}",
        Message.ProbeDue m => $"{Ms(m.At)} ProbeDue {m.Kind} run {m.RunId}",
        Message.ProbeResult m => $"{Ms(m.At)} ProbeResult {m.Kind} run {m.RunId}: {Describe(m.Outcome)}",
        Message.ReadyLineSeen m => $"{Ms(m.At)} ReadyLineSeen run {m.RunId}: {m.Line}",
        Message.StopInstances m => $"{Ms(m.At)} Stop #{m.RequestId}: {Target(m.Program, m.Instance)}",
        Message.StartInstances m => $"{Ms(m.At)} Start #{m.RequestId}: {Target(m.Program, m.Instance)}",
        Message.RestartInstances m => $"{Ms(m.At)} Restart{(m.Rolling ? " (rolling)" : "")} #{m.RequestId}: {Target(m.Program, m.Instance)}",
        Message.RemoveInstance m => $"{Ms(m.At)} Remove #{m.RequestId}: {Target(m.Program, m.Instance)}",
        Message.SignalInstances m => $"{Ms(m.At)} Signal {m.Signal} #{m.RequestId}: {Target(m.Program, m.Instance)}",
        _ => message.ToString(),
    };

    private static object Of(InstanceState i) => new
    {
        i.Id,
        Status = i.Status.ToString(),
        i.CurrentTry,
        i.RunId,
        i.Pid,
        StartedAt = Ms(i.StartedAt),
        ExitedAt = Ms(i.ExitedAt),
        i.LastExitCode,
        i.LastError,
        i.ConsecutiveFailures,
        NextTryAt = Ms(i.NextTryAt),
        i.StopRequested,
    };

    private static string? Summary(InstanceState? i) => i is null
        ? null
        : $"{i.Status} try {i.CurrentTry}, {i.ConsecutiveFailures} failure(s) in a row"
            + (i.NextTryAt is { } next ? $", next try at {Ms(next)}" : "");

    public static string Describe(CommandResult result) => result switch
    {
        { Accepted: false } => $"Rejected {result.Rejection}: {result.Reason}",
        { Failure: { } failure } => $"Failed({result.Affected}) {failure.Kind} at #{failure.Instance}, restarted [{string.Join(", ", failure.Restarted)}], "
            + $"not restarted [{string.Join(", ", failure.NotRestarted)}]: {failure.Reason}",
        _ => $"Ok({result.Affected})",
    };

    /// <summary>Shown only when it moves the delay: the default 0.5 gives exactly the nominal one.</summary>
    private static string Jitter(double jitter) =>
        jitter == 0.5 ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (jitter {jitter})");

    private static string Target(string program, long? instance) => instance is { } id ? $"{program}#{id}" : program;

    private static string? Ms(DateTimeOffset? at) => at is { } t ? $"+{(t - Given.Epoch).TotalMilliseconds}ms" : null;
}
