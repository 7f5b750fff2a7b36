namespace KrustPm.Engine.Tests;

/// <summary>
/// Builders for reducer tests: specs, and messages stamped at fixed times (milliseconds after <see cref="Epoch"/>),
/// so every test is deterministic and reads as a list of facts.
/// </summary>
internal static partial class Given
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int ms) => Epoch.AddMilliseconds(ms);

    public static ProgramSpec Spec(
        string name = "web",
        int instances = 1,
        int maxRetries = 3,
        int restartDelayMs = 0,
        int maxInstances = 10,
        int stopSignal = Signals.Terminate,
        int stopTimeoutMs = 5_000,
        RestartPolicy restart = RestartPolicy.OnFailure,
        int? restartDelayMaxMs = null,
        int? minUptimeMs = null)
    {
        var spec = new ProgramSpec(name, $"/bin/{name} --serve", [$"/bin/{name}", "--serve"])
        {
            Instances = instances,
            MaxRetries = maxRetries,
            RestartDelay = TimeSpan.FromMilliseconds(restartDelayMs),
            MaxInstances = maxInstances,
            StopSignal = stopSignal,
            StopTimeout = TimeSpan.FromMilliseconds(stopTimeoutMs),
            Restart = restart,
        };

        // Unset: the product defaults (RestartDelayMax 30 s, MinUptime 1 s), so tests exercise what users get.
        spec = restartDelayMaxMs is { } max ? spec with { RestartDelayMax = TimeSpan.FromMilliseconds(max) } : spec;
        return minUptimeMs is { } uptime ? spec with { MinUptime = TimeSpan.FromMilliseconds(uptime) } : spec;
    }

    public static Message.Load Load(params ProgramSpec[] specs) => new([.. specs], RequestId: 1, At(0));

    public static Message.Load Load(long request, int at, params ProgramSpec[] specs) => new([.. specs], request, At(at));

    public static Message.Started Started(long run, int at = 1) => new(run, Pid(run), At(at));

    /// <summary>An exit; the default jitter (0.5) gives exactly the nominal backoff delay.</summary>
    public static Message.Exited Exited(long run, int code, int at, double jitter = 0.5) => new(run, code, At(at)) { Jitter = jitter };

    public static Message.StartFailed StartFailed(long run, string reason, int at, double jitter = 0.5) =>
        new(run, reason, At(at)) { Jitter = jitter };

    /// <summary>A launch krust-pm gave up for lack of its own resources; the default jitter gives the nominal wait.</summary>
    public static Message.StartDeferred StartDeferred(long run, int at, string reason = "krust-pm is out of file descriptors", double jitter = 0.5) =>
        new(run, reason, At(at)) { Jitter = jitter };

    public static Message.Scale Scale(string program, int to, long request, int at) => new(program, to, request, At(at));

    public static Message.Shutdown Shutdown(long request, int at) => new(request, At(at));

    public static Message.StopInstances StopInstances(string program, long? instance, long request, int at) =>
        new(program, instance, request, At(at));

    public static Message.StartInstances StartInstances(string program, long? instance, long request, int at) =>
        new(program, instance, request, At(at));

    public static Message.RestartInstances RestartInstances(string program, long? instance, long request, int at, bool rolling = false, bool wait = true) =>
        new(program, instance, rolling, request, At(at)) { Wait = wait };

    public static Message.RemoveInstance RemoveInstance(string program, long instance, long request, int at) =>
        new(program, instance, request, At(at));

    public static Message.SignalInstances SignalInstances(string program, long? instance, int signal, long request, int at) =>
        new(program, instance, signal, request, At(at));

    public static Message.RetryDue RetryDue(string program, long instance, int attempt, int at) => new(program, instance, attempt, At(at));

    public static Message.StopTimeoutElapsed StopTimeout(long run, int at) => new(run, At(at));

    public static Message.UptimeReached UptimeReached(long run, int at) => new(run, At(at));

    /// <summary>The timer effect that asks for the next try of an instance in backoff.</summary>
    public static Effect.Schedule ScheduleRetry(string program, long instance, int attempt, int at) =>
        new(RetryDue(program, instance, attempt, at));

    /// <summary>The timer effect a started run sets for its minimum uptime.</summary>
    public static Effect.Schedule ScheduleUptime(long run, int at) => new(UptimeReached(run, at));

    /// <summary>The pid the tests give a run: easy to tell apart from run ids in failure messages.</summary>
    public static int Pid(long run) => 4000 + (int)run;

    public static Effect.Launch Launch(long run, ProgramSpec spec, long instance, int attempt, int? index = null) =>
        new(new LaunchRequest(run, spec, instance, attempt) { Index = index ?? (int)instance });

    public static Effect.Reply Ok(long request, int affected) => new(request, CommandResult.Ok(affected));

    /// <summary>The stop of a live run: its program's stop signal, and the timer that SIGKILLs it if it lingers.</summary>
    public static Effect[] StopEffects(long run, int at, int signal = Signals.Terminate, int stopTimeoutMs = 5_000) =>
        [new Effect.SendSignal(run, signal), new Effect.Schedule(StopTimeout(run, at + stopTimeoutMs))];
}
