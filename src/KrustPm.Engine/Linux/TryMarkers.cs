using System.Diagnostics;
using System.Globalization;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The lines krust-pm writes into a try's log files around its output: when it started (with its pid), and how it
/// ended and after how long. The launcher knows both: it starts the try and it reaps it.
/// </summary>
internal sealed class TryMarkers
{
    private readonly string _who;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TryMarkers(LaunchRequest request, int pid)
    {
        _who = $"{request.Program.Name}.{request.InstanceId} try {request.Try}";
        Started = $"--- krust-pm: {_who} started, pid {pid}, {Now()} ---";
    }

    /// <summary><c>--- krust-pm: web.0 try 2 started, pid 4321, 2026-11-26T03:20:05.010Z ---</c>.</summary>
    public string Started { get; }

    /// <summary>
    /// <c>--- krust-pm: web.0 try 2 exited with code 1 after 2.3 s, 2026-11-26T03:20:07.310Z ---</c>, once the try
    /// has been reaped.
    /// </summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>The try has been reaped, with this exit code (128 + N when killed by signal N), and why when known.</summary>
    public void Exited(int exitCode, string? cause = null) =>
        _ended.TrySetResult($"--- krust-pm: {_who} {Signals.DescribeExit(exitCode)}{(cause is null ? string.Empty : $" ({cause})")} after {Duration(Stopwatch.GetElapsedTime(_startedAt))}, {Now()} ---");

    /// <summary><c>0.2 s</c>, <c>59.9 s</c>, <c>4 min 05 s</c>, <c>26 h 03 min</c>.</summary>
    internal static string Duration(TimeSpan elapsed) => elapsed.TotalSeconds switch
    {
        < 60 => $"{Math.Floor(elapsed.TotalSeconds * 10) / 10:0.0} s",
        < 3600 => $"{(int)elapsed.TotalMinutes} min {elapsed.Seconds:00} s",
        _ => $"{(int)elapsed.TotalHours} h {elapsed.Minutes:00} min",
    };

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
