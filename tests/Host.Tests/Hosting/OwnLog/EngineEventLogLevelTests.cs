using KrustPm.Engine;
using KrustPm.Host.Hosting;
using Microsoft.Extensions.Logging;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Hosting.OwnLog;

/// <summary>The level of a run's end, as supervisord gives it: expected exits inform, failures warn, giving up is an error.</summary>
public sealed class EngineEventLogLevelTests
{
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void An_unexpected_exit_that_is_retried_is_a_warning_with_its_numbers_as_fields()
    {
        var web = Running(Spec("web", 1) with { RestartDelay = TimeSpan.FromMilliseconds(100) });

        Log(Apply(web, new Message.Exited(RunOf(web, "web", 0), 3, At(5))));

        Assert.Equal(LogLevel.Warning, Assert.Single(_logger.Levels));
        var fields = _logger.Fields[0];
        Assert.Equal("web", fields["program"]);
        Assert.Equal(0L, fields["instance"]);
        Assert.Equal(3, fields["exitCode"]);
        Assert.Equal(1, fields["try"]);
        Assert.Equal("retrying", fields["outcome"]);
        Assert.IsType<long>(fields["delayMs"]);
        Assert.StartsWith("web.0 exited with code 3; restart in ", _logger.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_exit_by_a_signal_has_the_signal_as_a_field()
    {
        var web = Running(Spec("web", 1));

        Log(Apply(web, new Message.Exited(RunOf(web, "web", 0), 128 + 9, At(5))));

        Assert.Equal("SIGKILL", _logger.Fields[0]["signal"]);
        Assert.Equal(137, _logger.Fields[0]["exitCode"]);
    }

    [Fact]
    public void Retries_exceeded_is_an_error()
    {
        var once = Running(Spec("web", 1) with { MaxRetries = 1 });
        var failed = Apply(once, new Message.Exited(RunOf(once, "web", 0), 3, At(5))).After;
        failed = Apply(failed, new Message.Started(RunOf(failed, "web", 0), 4242, At(6))).After;

        Log(Apply(failed, new Message.Exited(RunOf(failed, "web", 0), 3, At(7))));

        Assert.Equal(LogLevel.Error, Assert.Single(_logger.Levels));
        Assert.Contains("retries exceeded", _logger.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_launch_that_failed_is_an_error_with_the_reason_as_a_field()
    {
        var state = Decider.Reduce(EngineState.Empty, new Message.Load([Spec("web", 1)], 1, At(0))).State;

        Log(Apply(state, new Message.StartFailed(RunOf(state, "web", 0), "no such file: '/bin/web'", At(1))));

        Assert.Equal(LogLevel.Error, Assert.Single(_logger.Levels));
        Assert.Equal("no such file: '/bin/web'", _logger.Fields[0]["error"]);
        Assert.StartsWith("web.0 could not start: no such file: '/bin/web'; ", _logger.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_exit_krust_pm_asked_for_is_information()
    {
        var web = Running(Spec("web", 1));
        var stopping = Apply(web, new Message.StopInstances("web", 0, 7, At(5))).After;

        Log(Apply(stopping, new Message.Exited(RunOf(web, "web", 0), 143, At(6))));

        Assert.Equal(LogLevel.Information, Assert.Single(_logger.Levels));
        Assert.Equal("SIGTERM", _logger.Fields[0]["signal"]);
    }

    private void Log(Step step) => new EngineEventLog(_logger).OnApplied(step.Applied);
}
