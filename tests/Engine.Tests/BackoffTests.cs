using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary><see cref="Backoff.Delay"/>: exponential in the failure streak, capped, spread by jitter, never overflowing.</summary>
public class BackoffTests
{
    private static readonly ProgramSpec Web = Spec(restartDelayMs: 100, restartDelayMaxMs: 1_000);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1_000)]
    [InlineData(6, 1_000)]
    [InlineData(7, 1_000)]
    public void Delay_doubles_per_consecutive_failure_up_to_RestartDelayMax(int failures, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Delay(Web, failures, jitter: 0.5));
    }

    [Theory]
    [InlineData(1, 80)]
    [InlineData(2, 160)]
    [InlineData(4, 640)]
    [InlineData(5, 800)] // the cap is applied before the jitter: 80 % of the cap
    [InlineData(9, 800)]
    public void Jitter_0_gives_80_percent_of_the_nominal_delay(int failures, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Delay(Web, failures, jitter: 0));
    }

    [Theory]
    [InlineData(1, 120)]
    [InlineData(2, 240)]
    [InlineData(3, 480)]
    [InlineData(4, 960)]
    [InlineData(5, 1_000)] // 120 % of the cap would be 1.2 s: capped again
    [InlineData(9, 1_000)]
    public void Jitter_near_1_gives_about_120_percent_capped_at_RestartDelayMax(int failures, int expectedMs)
    {
        var delay = Backoff.Delay(Web, failures, jitter: 0.999_999);

        // Jitter is in [0, 1), so the top of the spread is approached, not reached: within 1/1000 of it.
        var expected = TimeSpan.FromMilliseconds(expectedMs);
        Assert.InRange(delay, expected - (expected / 1_000), expected);
        Assert.True(delay <= Web.RestartDelayMax, $"{delay} is above the cap");
    }

    [Theory]
    [InlineData(-3.0, 80)]
    [InlineData(7.0, 120)]
    public void Jitter_outside_0_to_1_is_clamped(double jitter, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Delay(Web, 1, jitter));
    }

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(1, 0.999)]
    [InlineData(30, 0.5)]
    [InlineData(int.MaxValue, 0.999)]
    public void Zero_RestartDelay_always_gives_zero(int failures, double jitter)
    {
        Assert.Equal(TimeSpan.Zero, Backoff.Delay(Web with { RestartDelay = TimeSpan.Zero }, failures, jitter));
    }

    [Fact]
    public void RestartDelayMax_below_RestartDelay_keeps_RestartDelay_and_never_doubles()
    {
        // A restart_delay_ms above the default 30 s cap must not be cut short: RestartDelay raises the cap to itself.
        var slow = Web with { RestartDelay = TimeSpan.FromSeconds(60), RestartDelayMax = TimeSpan.FromSeconds(30) };

        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(slow, 1, jitter: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(slow, 8, jitter: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(slow, 8, jitter: 0.999)); // jitter cannot go above it
        Assert.Equal(TimeSpan.FromSeconds(48), Backoff.Delay(slow, 8, jitter: 0)); // but can go below it
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1_000_000)]
    [InlineData(int.MaxValue)]
    public void Huge_failure_counts_stay_at_the_cap_without_overflow(int failures)
    {
        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.Delay(Web, failures, jitter: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Delay(Spec(restartDelayMs: 100), failures, jitter: 0.999));

        var tenYears = TimeSpan.FromDays(3_650);
        Assert.Equal(tenYears, Backoff.Delay(Web with { RestartDelayMax = tenYears }, failures, jitter: 0.5));
    }

    [Fact]
    public void Huge_failure_counts_with_an_unbounded_cap_do_not_overflow()
    {
        var unbounded = Web with { RestartDelayMax = TimeSpan.MaxValue };

        var delay = Backoff.Delay(unbounded, int.MaxValue, jitter: 0.5);

        Assert.Equal(TimeSpan.MaxValue, delay);
    }

    [Fact]
    public void The_default_jitter_of_a_failure_message_gives_exactly_the_nominal_delay()
    {
        var exited = new Message.Exited(1, 1, At(0));
        var failed = new Message.StartFailed(1, "nope", At(0));

        Assert.Equal((0.5, 0.5), (exited.Jitter, failed.Jitter));
        Assert.Equal(TimeSpan.FromMilliseconds(400), Backoff.Delay(Web, 3, exited.Jitter));
    }
}
