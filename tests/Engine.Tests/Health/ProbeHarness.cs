using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KrustPm.Engine.Health;
using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Tests.Health;

/// <summary>Runs one probe through the real <see cref="ProbeRunner"/> and waits (bounded) for its one report.</summary>
internal static class ProbeHarness
{
    public static async Task<(ProbeOutcome Outcome, TimeSpan Elapsed)> RunAsync(
        ProbeSpec probe, ProgramSpec? program = null, LinuxProcessLauncherOptions? options = null, long instance = 0, int index = 0)
    {
        var reports = 0;
        var outcome = new TaskCompletionSource<ProbeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        new ProbeRunner(TimeProvider.System, options ?? LinuxProcessLauncherOptions.Default).Run(new ProbeRequest(7, "web", instance, ProbeKind.Readiness, probe) { Spec = program, Index = index }, (request, result) =>
        {
            Assert.Equal(7, request.RunId);
            Interlocked.Increment(ref reports);
            outcome.TrySetResult(result);
        });

        var result = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var elapsed = clock.Elapsed;
        Assert.Equal(1, Volatile.Read(ref reports));
        return (result, elapsed);
    }

    /// <summary>An exec probe with room to run on a loaded machine (10 s); a test of the timeout sets its own.</summary>
    public static ProbeSpec Exec(params string[] argv) => new() { Exec = [.. argv], Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A loopback port nothing listens on (it was free a moment ago).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
