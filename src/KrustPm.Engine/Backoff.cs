namespace KrustPm.Engine;

/// <summary>The wait before an instance's next try: exponential in its consecutive failures, capped, with jitter.</summary>
internal static class Backoff
{
    /// <summary>How far jitter moves a delay: up to 20 % shorter or longer.</summary>
    public const double JitterFraction = 0.2;

    /// <summary>
    /// The delay after <paramref name="consecutiveFailures"/> failures in a row:
    /// <c>RestartDelay × 2^(failures − 1)</c>, capped at <c>RestartDelayMax</c>, then moved by jitter
    /// (<c>× (1 − 0.2 + 0.4 × jitter)</c>) and capped again. A zero <c>RestartDelay</c> always gives zero.
    /// </summary>
    /// <param name="spec">The program, for its delays.</param>
    /// <param name="consecutiveFailures">Failures in a row, counting the one that just happened (at least 1).</param>
    /// <param name="jitter">A number in [0, 1); 0.5 gives the nominal delay.</param>
    /// <returns>The delay.</returns>
    public static TimeSpan Delay(ProgramSpec spec, int consecutiveFailures, double jitter)
    {
        if (spec.RestartDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var cap = spec.RestartDelayMax < spec.RestartDelay ? spec.RestartDelay : spec.RestartDelayMax;
        var nominal = spec.RestartDelay;
        for (var n = 1; n < consecutiveFailures && nominal < cap; n++)
        {
            // Doubling past half the cap would reach it anyway (and could overflow an unbounded cap).
            nominal = nominal.Ticks > cap.Ticks / 2 ? cap : nominal * 2;
        }

        var spread = 1 - JitterFraction + (2 * JitterFraction * Math.Clamp(jitter, 0, 1));
        var jittered = nominal.Ticks * spread;
        return jittered >= cap.Ticks ? cap : TimeSpan.FromTicks((long)jittered);
    }
}
