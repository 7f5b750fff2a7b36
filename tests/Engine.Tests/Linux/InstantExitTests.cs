using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>Programs that are over before the launcher has finished starting them.</summary>
public sealed class InstantExitTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-instant-").FullName;

    public async ValueTask DisposeAsync() => await Cleanup.DeleteAsync(_folder);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_program_that_exits_before_its_start_is_reported_never_breaks_the_launcher(bool captureOutput)
    {
        // Before the fix, the launch thread died here (and took the whole process with it): the run's process
        // object was disposed by its exit before the launcher closed the child's stdin.
        using var store = new OutputStore(Path.Combine(_folder, "logs"));
        using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default with { Guardian = false }, captureOutput ? store : null);
        var events = new StartReportedAfterExit();
        const int runs = 20;
        for (var run = 1; run <= runs; run++)
        {
            var spec = new ProgramSpec("quick", "exit 0", ["/bin/sh", "-c", "exit 0"]) { WorkingDirectory = _folder };
            launcher.Launch(new LaunchRequest(run, spec, InstanceId: run, Try: 1), events);
        }

        var reports = new List<string>();
        for (var i = 0; i < 2 * runs; i++)
        {
            reports.Add(await events.NextAsync());
        }

        Assert.Equal(runs, reports.Count(report => report.EndsWith(": 0", StringComparison.Ordinal)));
        Assert.Equal(0, launcher.LiveRuns);
    }

    /// <summary>
    /// Reports a start only once the process has exited (a zombie, or already reaped by the runtime on the
    /// Process path): its exit is then ready to be reported before its start is.
    /// </summary>
    private sealed class StartReportedAfterExit : IProcessEvents
    {
        private readonly RecordingEvents _inner = new();

        public void Started(long runId, int pid)
        {
            SpinWait.SpinUntil(() => !ProcFs.IsAlive(pid), TimeSpan.FromSeconds(5));
            _inner.Started(runId, pid);
        }

        public void StartFailed(long runId, string reason) => _inner.StartFailed(runId, reason);

        public void StartDeferred(long runId, string reason) => _inner.StartDeferred(runId, reason);

        public void Exited(long runId, int exitCode) => _inner.Exited(runId, exitCode);

        public void ReadyLineSeen(long runId, string line) => _inner.ReadyLineSeen(runId, line);

        public Task<string> NextAsync() => _inner.NextAsync();
    }
}
