using System.Globalization;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// How long <c>POST /api/v1/programs/{name}/restart</c> waits for the engine's answer: <c>?wait=false</c> answers at
/// once (202), and a rolling restart's wait is bounded by <c>?timeout=SECONDS</c>. Running out of time stops the
/// waiting, not the rolling restart: the answer (504) says which instance has not become ready, and the rolling
/// restart goes on in the engine.
/// </summary>
internal static class RestartWait
{
    /// <summary>The longest wait a client may ask for: one day.</summary>
    public const int MaxTimeoutSeconds = 86_400;

    /// <summary>What each instance of a rolling restart gets on top of its stop timeout (and minimum uptime) by default.</summary>
    public static readonly TimeSpan ReadyAllowance = TimeSpan.FromSeconds(60);

    /// <summary>Reads <c>?rolling</c>, <c>?wait</c> and <c>?timeout</c>; a bad value is a 400 naming it.</summary>
    public static (bool Rolling, bool Wait, TimeSpan? Timeout, IResult? Problem) Read(HttpRequest request)
    {
        if (Flag(request, "rolling", out var rolling) is { } rollingProblem)
        {
            return (false, true, null, rollingProblem);
        }

        if (Flag(request, "wait", out var wait, missing: true) is { } waitProblem)
        {
            return (false, true, null, waitProblem);
        }

        var timeoutText = request.Query["timeout"];
        if (timeoutText.Count == 0)
        {
            return (rolling, wait, null, null);
        }

        if (timeoutText.Count > 1)
        {
            return (false, true, null, Problems.BadParameter("timeout", "Give 'timeout' once."));
        }

        if (!int.TryParse(timeoutText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > MaxTimeoutSeconds)
        {
            return (false, true, null, Problems.BadParameter(
                "timeout", $"'{timeoutText}' is not a number of seconds from 1 to {MaxTimeoutSeconds}, e.g. ?rolling=true&timeout=300."));
        }

        if (!rolling || !wait)
        {
            return (false, true, null, Problems.BadParameter(
                "timeout", "'timeout' bounds the wait for a rolling restart: use it with ?rolling=true (and without ?wait=false)."));
        }

        return (rolling, wait, TimeSpan.FromSeconds(seconds), null);
    }

    /// <summary>
    /// The default wait for a rolling restart of <paramref name="instances"/> instances: for each, its stop timeout,
    /// its minimum uptime and <see cref="ReadyAllowance"/> to become ready.
    /// </summary>
    public static TimeSpan DefaultTimeout(ProgramSpec spec, int instances) =>
        (spec.StopTimeout + spec.MinUptime + ReadyAllowance) * Math.Max(1, instances);

    /// <summary>
    /// The 504 answer for a rolling restart still going on when the wait ran out: which instance has not become
    /// ready, in what state, and what the client can do.
    /// </summary>
    public static IResult TimedOut(EngineState state, string name, TimeSpan waited)
    {
        var seconds = waited.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var program = state.Find(name);
        if (program?.Rolling is not { } rolling)
        {
            // It ended right as the wait ran out; its answer is the engine's, which this request no longer gets.
            return Problems.GatewayTimeout(
                $"The rolling restart of '{name}' was not answered within {seconds} s, and is no longer in progress: see GET /api/v1/programs/{name}.",
                name, instance: null);
        }

        var current = program.Find(rolling.Current);
        var detail = $"{name}.{rolling.Current} did not become ready within {seconds} s ({Describe(program, current)}); "
            + $"{rolling.Restarted.Length} of {rolling.Count} instance(s) restarted so far. The rolling restart goes on: follow it with "
            + $"GET /api/v1/programs/{name} (rollingRestart), or end it with a stop of the program or of {name}.{rolling.Current}.";
        return Problems.GatewayTimeout(detail, name, rolling.Current);
    }

    /// <summary>Where the instance is, in the words of the status table.</summary>
    private static string Describe(ProgramState program, InstanceState? instance) => instance switch
    {
        null => "it no longer exists",
        { RestartRequested: true } => "its previous run is still stopping",
        { Status: InstanceStatus.Waiting } => $"it is Waiting for {string.Join(", ", instance.WaitingFor)}",
        { Status: InstanceStatus.Started } => "its new run was launched but has not started yet",
        { Status: InstanceStatus.Running, Ready: false } => instance.LastReadiness is { } last
            ? $"Running, not ready: last readiness check: {last.Detail}"
            : program.Spec.ReadyLogLine is { } line ? $"Running, not ready: no output line has matched '{line}' yet" : "Running, not ready yet",
        { Status: InstanceStatus.Running } => $"Running, for less than min_uptime_ms ({program.Spec.MinUptime.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms)",
        _ => $"it is {instance.Status}",
    };

    /// <summary>Reads a true/false query parameter; absent means <paramref name="missing"/>.</summary>
    internal static IResult? Flag(HttpRequest request, string name, out bool value, bool missing = false)
    {
        var text = request.Query[name];
        value = missing;
        if (text.Count == 0 || (text.Count == 1 && text.ToString().Length == 0))
        {
            return null;
        }

        if (text.Count > 1 || text.ToString() is not ("true" or "false"))
        {
            return Problems.BadParameter(name, text.Count > 1 ? $"Give '{name}' once." : $"'{text}' is not true or false.");
        }

        value = text.ToString() == "true";
        return null;
    }
}
