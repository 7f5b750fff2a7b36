namespace KrustPm.Tests.Shared;

/// <summary>
/// The one way tests wait for something they cannot await directly: poll a condition until it holds. The timeout is
/// not a measurement: it only ends a test that would otherwise hang, so it is generous (the shared CI machine is
/// noisy), and a test never asserts that something happened within it, only that it happened. A failure says what was
/// awaited and what was seen last.
/// </summary>
internal static class Eventually
{
    /// <summary>The bound when a test gives none: long enough for a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test, naming <paramref name="what"/>, if it never does.</summary>
    public static async Task Assert(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        if (!await Holds(condition, timeout ?? DefaultTimeout))
        {
            Xunit.Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting until {what}");
        }
    }

    /// <summary>
    /// Reads a value until <paramref name="accept"/> takes it, and returns it; fails the test, naming
    /// <paramref name="what"/> and the last value read, if it never does. A read that throws
    /// <typeparamref name="TIgnored"/> (not there yet) counts as a value not accepted.
    /// </summary>
    public static async Task<T> Value<T, TIgnored>(Func<Task<T>> read, Func<T, bool> accept, string what, TimeSpan? timeout = null)
        where TIgnored : Exception
    {
        var last = "nothing yet";
        T? accepted = default;
        var found = await Holds(
            async () =>
            {
                try
                {
                    var value = await read();
                    last = value?.ToString() ?? "null";
                    accepted = value;
                    return accept(value);
                }
                catch (TIgnored error)
                {
                    last = $"{error.GetType().Name}: {error.Message}";
                    return false;
                }
            },
            timeout ?? DefaultTimeout);
        if (!found)
        {
            Xunit.Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting until {what}; last seen: {last}");
        }

        return accepted!;
    }

    /// <summary>Reads a value until <paramref name="accept"/> takes it, and returns it (see <see cref="Value{T, TIgnored}"/>).</summary>
    public static Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> accept, string what, TimeSpan? timeout = null) =>
        Value<T, NeverThrown>(read, accept, what, timeout);

    /// <summary>Polls until <paramref name="condition"/> holds; returns whether it did before <paramref name="timeout"/>.</summary>
    public static Task<bool> Holds(Func<bool> condition, TimeSpan timeout) => Holds(() => Task.FromResult(condition()), timeout);

    /// <summary>Polls until <paramref name="condition"/> holds; returns whether it did before <paramref name="timeout"/>.</summary>
    public static async Task<bool> Holds(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pause = FirstPause;
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(pause, TestContext.Current.CancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }

        return true;
    }

    /// <summary>No read throws this: <see cref="Value{T}"/> lets every exception through.</summary>
    private sealed class NeverThrown : Exception;
}
