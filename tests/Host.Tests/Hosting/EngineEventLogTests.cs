using KrustPm.Engine;
using KrustPm.Host.Hosting;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Hosting;

/// <summary><see cref="EngineEventLog"/> at 1,000 instances: one line per event a person follows, in order.</summary>
public sealed class EngineEventLogTests
{
    private static readonly EngineState Web = Running(Spec("web", 1_000));
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void A_scale_up_by_one_logs_the_scale_and_stops_nothing()
    {
        Log(Apply(Web, new Message.Scale("web", 1_001, 7, At(5))));

        Assert.Equal(["scaling web to 1001 instances"], _logger.Lines);
    }

    [Fact]
    public void A_scale_down_by_one_logs_the_stopping_of_the_oldest_instance_only()
    {
        Log(Apply(Web, new Message.Scale("web", 999, 7, At(5))));

        Assert.Equal(
            ["scaling web to 999 instances", "web.0 stopping: SIGTERM to its process group, SIGKILL after 10000 ms (scale-down)"],
            _logger.Lines);
    }

    [Fact]
    public void The_exit_of_a_scaled_down_instance_is_logged_as_stopped_and_removed()
    {
        var scaled = Apply(Web, new Message.Scale("web", 999, 7, At(5))).After;

        Log(Apply(scaled, new Message.Exited(RunOf(Web, "web", 0), 143, At(6))));

        Assert.StartsWith("web.0 ", Assert.Single(_logger.Lines), StringComparison.Ordinal);
        Assert.EndsWith("; stopped and removed", _logger.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_exit_of_an_instance_that_stays_is_logged_with_what_follows()
    {
        var scaled = Apply(Web, new Message.Scale("web", 998, 7, At(5))).After;

        Log(Apply(scaled, new Message.Exited(RunOf(Web, "web", 700), 1, At(6))));

        Assert.Equal(["web.700 exited with code 1; restarting now (try 2)"], _logger.Lines);
    }

    [Fact]
    public void An_exit_with_a_cause_the_launcher_knows_says_it()
    {
        var scaled = Apply(Web, new Message.Scale("web", 998, 7, At(5))).After;

        Log(Apply(scaled, new Message.Exited(RunOf(Web, "web", 700), 137, At(6)) { Cause = "killed by the kernel: out of memory, memory_max 64 MiB" }));

        Assert.Equal(["web.700 killed by signal 9 (SIGKILL) (killed by the kernel: out of memory, memory_max 64 MiB); restarting now (try 2)"], _logger.Lines);
    }

    [Fact]
    public void The_shutdown_logs_one_stopping_line_per_live_instance_in_order()
    {
        var stopped = Apply(Web, new Message.StopInstances("web", 10, 7, At(5))).After;
        stopped = Apply(stopped, new Message.Exited(RunOf(Web, "web", 10), 143, At(6))).After;

        Log(Apply(stopped, new Message.Shutdown(8, At(7))));

        Assert.Equal("stopping every instance", _logger.Lines[0]);
        Assert.Equal(
            Enumerable.Range(0, 1_000).Where(i => i != 10).Select(i => $"web.{i} stopping: SIGTERM to its process group, SIGKILL after 10000 ms (krust-pm is stopping)"),
            _logger.Lines.Skip(1));
    }

    private void Log(Step step) => new EngineEventLog(_logger).OnApplied(step.Applied);
}
