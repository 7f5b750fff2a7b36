using KrustPm.Engine;
using KrustPm.Host.Hosting;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>
/// Every stop krust-pm makes is in its log, whatever asked for it (a command, a scale-down, the shutdown), and an
/// engine handler's failure is logged without stopping anything.
/// </summary>
public sealed class EngineEventLogStopTests
{
    private static readonly EngineState Web = Running(Spec("web", 3));
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void A_stop_command_logs_one_stopping_line_per_running_instance()
    {
        Log(Apply(Web, new Message.StopInstances("web", null, 7, At(5))));

        Assert.Equal(
            [
                "web.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (stop command)",
                "web.1 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (stop command)",
                "web.2 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (stop command)",
            ],
            _logger.Lines);
    }

    [Fact]
    public void A_stop_of_one_instance_logs_its_stopping_line_only()
    {
        Log(Apply(Web, new Message.StopInstances("web", 1, 7, At(5))));

        Assert.Equal(["web.1 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (stop command)"], _logger.Lines);
    }

    [Fact]
    public void A_program_whose_stop_signal_goes_to_the_main_process_says_so()
    {
        var nginx = Running(Spec("nginx", 1) with { StopSignalTarget = SignalTarget.Main, StopSignal = Signals.Quit });

        Log(Apply(nginx, new Message.StopInstances("nginx", null, 7, At(5))));

        Assert.Equal(["nginx.0 stopping: SIGQUIT to its main process, SIGKILL after 10000 ms (stop command)"], _logger.Lines);
    }

    [Fact]
    public void A_restart_and_a_delete_log_the_stopping_of_their_instances()
    {
        Log(Apply(Web, new Message.RestartInstances("web", 0, false, 7, At(5))));
        Log(Apply(Web, new Message.RemoveInstance("web", 2, 8, At(6))));

        Assert.Equal(
            [
                "web.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (restart)",
                "web.2 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (instance deleted)",
            ],
            _logger.Lines);
    }

    [Fact]
    public void A_rolling_restart_logs_each_stop_as_the_roll_reaches_it()
    {
        var rolling = Apply(Web, new Message.RestartInstances("web", null, true, 7, At(5)));
        Log(rolling);
        var first = rolling.After.Find("web")!.Instances[0];
        var exited = Apply(rolling.After, new Message.Exited(RunOf(Web, "web", 0), 143, At(6)));
        var relaunched = exited.After.Find("web")!.Instances[0].RunId!.Value;

        var started = Apply(exited.After, new Message.Started(relaunched, Pid(relaunched), At(7)));

        // The roll moves on once the new run has been up the program's minimum uptime (it has no readiness check).
        Log(Apply(started.After, new Message.UptimeReached(relaunched, At(1_007))));

        Assert.Equal(InstanceStatus.Stopping, first.Status);
        Assert.Equal("web.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (restart)", _logger.Lines[0]);
        Assert.Contains("web.1 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (restart)", _logger.Lines);
    }

    [Fact]
    public void A_failing_engine_handler_is_logged_with_its_exception_once_then_in_one_line()
    {
        var log = new EngineEventLog(_logger);
        var applied = Apply(Web, new Message.Scale("web", 4, 7, At(5)));

        log.OnHandlerFailed(applied.Applied, new InvalidOperationException("boom"));
        log.OnHandlerFailed(applied.Applied, new InvalidOperationException("boom again"));

        Assert.Equal(
            [
                "an engine event handler failed on Scale: System.InvalidOperationException: boom; krust-pm goes on",
                "an engine event handler failed on Scale: System.InvalidOperationException: boom again; krust-pm goes on",
            ],
            _logger.Lines);
        Assert.IsType<InvalidOperationException>(_logger.Exceptions[0]);
        Assert.Null(_logger.Exceptions[1]);
    }

    private void Log(Step step) => new EngineEventLog(_logger).OnApplied(step.Applied);
}
