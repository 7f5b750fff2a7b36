using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Hosting;
using Microsoft.Extensions.Logging;
using static KrustPm.Host.Tests.Events.HealthStates;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>krust-pm's own log about dependencies and health: one line per change, saying why.</summary>
public sealed class HealthLogTests
{
    [Fact]
    public void Waiting_and_blocked_instances_are_logged_with_what_they_wait_for_and_why()
    {
        var before = State(Program(Web, new InstanceState(0, 1, InstanceStatus.Stopped), Waiting(1)));
        var after = State(Program(Web, Waiting(0), Blocked(1)));

        Assert.Equal(
            [
                "Information: web.0 waiting for db (healthy)",
                "Warning: web.1 blocked: dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded",
            ],
            Log(Change(before, after)));
    }

    [Fact]
    public void Ready_and_not_ready_are_logged()
    {
        var before = State(Program(Db, Running(0, 1, ready: false), Running(1, 2, ready: true)));
        var after = State(Program(
            Db,
            Running(0, 1, ready: true) with { LastReadiness = new ProbeOutcome(true, "HTTP 200", At) },
            Running(1, 2, ready: false) with { LastReadiness = new ProbeOutcome(false, "timed out after 500 ms", At) }));

        Assert.Equal(["Information: db.0 ready", "Warning: db.1 not ready: timed out after 500 ms"], Log(Change(before, after)));
    }

    [Fact]
    public void A_liveness_failure_is_logged_with_the_restart_and_the_stop()
    {
        var before = State(Program(Db, Running(0, 1, ready: true)));
        var after = State(Program(Db, Running(0, 1, ready: true) with
        {
            Status = InstanceStatus.Stopping, FailingBecause = "liveness probe failed 3 times in a row: connection refused",
        }));

        Assert.Equal(
            [
                "Warning: db.0 liveness probe failed 3 times in a row: connection refused; restarting",
                "Information: db.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms",
            ],
            Log(Change(before, after)));
    }

    [Fact]
    public void During_a_shutdown_a_program_stopped_after_its_dependents_exited_is_logged_as_stopping()
    {
        var web = Running(0, 5) with { Status = InstanceStatus.Stopping, StopRequested = true };
        var before = State(Program(Db, Running(0, 1, ready: true)), Program(Web, web)) with { ShuttingDown = true };
        var after = State(
            Program(Db, Running(0, 1, ready: true) with { Status = InstanceStatus.Stopping, StopRequested = true }),
            Program(Web, new InstanceState(0, 1, InstanceStatus.Stopped) { LastExitCode = 143, ExitedAt = At })) with { ShuttingDown = true };

        var lines = Log(Change(before, after, new Message.Exited(5, 143, At)));

        Assert.Equal(
            [
                "Information: web.0 killed by signal 15 (SIGTERM); stopped",
                "Information: db.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms",
            ],
            lines);
    }

    [Fact]
    public void Nothing_is_logged_about_health_when_nothing_about_it_changed()
    {
        var before = State(Program(Db, Running(0, 1, ready: true)), Program(Web, Waiting(0)));
        var after = State(Program(Db, Running(0, 1, ready: true) with { LastReadiness = new ProbeOutcome(true, "HTTP 200", At) }), before.Programs[1]);

        Assert.Empty(Log(Change(before, after)));
    }

    private static List<string> Log(AppliedMessage applied)
    {
        var logger = new Lines();
        new EngineEventLog(logger).OnApplied(applied);
        return logger.Written;
    }

    /// <summary>Keeps each line as "Level: text".</summary>
    private sealed class Lines : ILogger<EngineEventLog>
    {
        public List<string> Written { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Written.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
