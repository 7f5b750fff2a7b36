namespace KrustPm.Engine.Tests;

/// <summary>
/// Builders for reducer tests: specs, and messages stamped at fixed times (milliseconds after <see cref="Epoch"/>),
/// so every test is deterministic and reads as a list of facts.
/// </summary>
internal static class Given
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
        int stopTimeoutMs = 5_000) =>
        new(name, $"/bin/{name} --serve", [$"/bin/{name}", "--serve"])
        {
            Instances = instances,
            MaxRetries = maxRetries,
            RestartDelay = TimeSpan.FromMilliseconds(restartDelayMs),
            MaxInstances = maxInstances,
            StopSignal = stopSignal,
            StopTimeout = TimeSpan.FromMilliseconds(stopTimeoutMs),
        };

    public static Message.Load Load(params ProgramSpec[] specs) => new([.. specs], RequestId: 1, At(0));

    public static Message.Load Load(long request, int at, params ProgramSpec[] specs) => new([.. specs], request, At(at));

    public static Message.Started Started(long run, int at = 1) => new(run, Pid(run), At(at));

    public static Message.Exited Exited(long run, int code, int at) => new(run, code, At(at));

    public static Message.StartFailed StartFailed(long run, string reason, int at) => new(run, reason, At(at));

    public static Message.Scale Scale(string program, int to, long request, int at) => new(program, to, request, At(at));

    public static Message.Shutdown Shutdown(long request, int at) => new(request, At(at));

    public static Message.RetryDue RetryDue(string program, long instance, int attempt, int at) => new(program, instance, attempt, At(at));

    public static Message.StopTimeoutElapsed StopTimeout(long run, int at) => new(run, At(at));

    /// <summary>The pid the tests give a run: easy to tell apart from run ids in failure messages.</summary>
    public static int Pid(long run) => 4000 + (int)run;

    public static Effect.Launch Launch(long run, ProgramSpec spec, long instance, int attempt) =>
        new(new LaunchRequest(run, spec, instance, attempt));

    public static Effect.Reply Ok(long request, int affected) => new(request, CommandResult.Ok(affected));
}
