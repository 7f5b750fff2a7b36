using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Health;

/// <summary>
/// The real probe runner: exec, HTTP and TCP probes, each on the thread pool (never on the caller's thread), each
/// bounded by its <see cref="ProbeSpec.Timeout"/>, each reported exactly once.
/// </summary>
public sealed class ProbeRunner : IProbeRunner
{
    /// <summary>
    /// How long past its timeout a probe may run before it is reported as timed out anyway. Each probe stops itself
    /// at its timeout; this is the last resort against one that does not (a name lookup that ignores cancellation).
    /// </summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest timeout honoured (a timer cannot wait longer than about 24 days).</summary>
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly LinuxProcessLauncherOptions _options;

    /// <summary>Creates a runner whose exec probes start as <see cref="LinuxProcessLauncherOptions.Default"/> says.</summary>
    /// <param name="time">The clock that stamps outcomes. Timeouts are real time: the probes are real I/O.</param>
    public ProbeRunner(TimeProvider time)
        : this(time, LinuxProcessLauncherOptions.Default)
    {
    }

    /// <summary>Creates a runner.</summary>
    /// <param name="time">The clock that stamps outcomes. Timeouts are real time: the probes are real I/O.</param>
    /// <param name="options">
    /// How exec probes are started: the same options as the programs' launcher, so that they keep the same
    /// variables (<see cref="LinuxProcessLauncherOptions.WithheldEnvironment"/>) from what they inherit.
    /// </param>
    public ProbeRunner(TimeProvider time, LinuxProcessLauncherOptions options)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _options = options;
    }

    /// <inheritdoc />
    public void Run(ProbeRequest request, Action<ProbeRequest, ProbeOutcome> report) =>
        _ = Task.Run(() => RunAsync(request, report));

    /// <summary>"timed out after N ms", the one wording of every probe's timeout.</summary>
    internal static string TimedOut(TimeSpan timeout) => $"timed out after {(long)timeout.TotalMilliseconds} ms";

    /// <summary>Whether <paramref name="task"/> completes within <paramref name="limit"/> (the timer goes as soon as it does).</summary>
    internal static async Task<bool> WithinAsync(Task task, TimeSpan limit)
    {
        await task.WaitAsync(limit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return task.IsCompleted;
    }

    private async Task RunAsync(ProbeRequest request, Action<ProbeRequest, ProbeOutcome> report)
    {
        var probe = request.Probe;
        var timeout = probe.Timeout < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1)
            : probe.Timeout > LongestTimeout ? LongestTimeout : probe.Timeout;

        ProbeVerdict verdict;
        try
        {
            // An exec probe takes pipes and a pid file descriptor, an HTTP or TCP one a socket: never from krust-pm's
            // reserve. One that cannot run says nothing about the program (it is skipped, not failed).
            var needed = probe.Exec.IsDefaultOrEmpty ? 2 : DescriptorBudget.PerProbe;
            var work = DescriptorBudget.HasRoom(needed, out var shortage)
                ? Start(request, timeout)
                : Task.FromResult(ProbeVerdict.Skip($"not run: {shortage}"));
            if (await WithinAsync(work, timeout + Margin).ConfigureAwait(false))
            {
                verdict = await work.ConfigureAwait(false);
            }
            else
            {
                verdict = ProbeVerdict.Fail(TimedOut(timeout));
                _ = work.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // observed, never rethrown
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A bug in a probe must still end in a report, or the engine waits for this probe forever.
            verdict = ProbeVerdict.Fail($"probe error: {error.Message}");
        }

        report(request, new ProbeOutcome(verdict.Passed, verdict.Detail, _time.GetUtcNow()) { Skipped = verdict.Skipped });
    }

    private Task<ProbeVerdict> Start(ProbeRequest request, TimeSpan timeout)
    {
        var (probe, spec) = request.ForInstance();
        return Start(probe, spec, timeout);
    }

    private Task<ProbeVerdict> Start(ProbeSpec probe, ProgramSpec? spec, TimeSpan timeout) => probe switch
    {
        { Exec.IsDefaultOrEmpty: false } => ExecProbe.RunAsync(probe.Exec, timeout, spec, _options),
        { Http: { } uri } => HttpProbe.RunAsync(uri, timeout),
        { Tcp: { } address } => TcpProbe.RunAsync(address, timeout),
        _ => Task.FromResult(ProbeVerdict.Fail("the probe has no exec, http or tcp target")),
    };
}

/// <summary>What one probe found, before it is stamped with a time; <see cref="Skipped"/> when krust-pm could not run it.</summary>
internal readonly record struct ProbeVerdict(bool Passed, string Detail, bool Skipped = false)
{
    public static ProbeVerdict Pass(string detail) => new(true, detail);

    public static ProbeVerdict Fail(string detail) => new(false, detail);

    public static ProbeVerdict Skip(string detail) => new(false, detail, Skipped: true);
}
