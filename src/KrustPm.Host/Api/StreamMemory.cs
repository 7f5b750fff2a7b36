namespace KrustPm.Host.Api;

/// <summary>
/// Gives memory back once streams that held a lot of it have ended. The output a flood of slow followers held becomes
/// garbage when they leave, but a quiet krust-pm allocates almost nothing afterwards, so no collection comes to return
/// it and the process would keep its peak size. Once followers holding <see cref="Threshold"/> or more in all have
/// closed, one compacting, decommitting collection runs <see cref="Delay"/> later (so a whole flood leaving costs one).
/// </summary>
internal sealed class StreamMemory(TimeProvider time)
{
    /// <summary>How much streams must have let go before a collection is worth its pause (a few milliseconds here).</summary>
    public const long Threshold = 8 * 1024 * 1024;

    /// <summary>How long after the threshold is crossed the collection runs: the rest of a flood leaves meanwhile.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private long _released;
    private int _scheduled;
    private int _collections;

    /// <summary>How many collections this has asked for (for tests and diagnostics).</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>What streams let go of since the last collection (for tests and diagnostics).</summary>
    public long ReleasedBytes => Interlocked.Read(ref _released);

    /// <summary>A stream ended, letting go of <paramref name="bytes"/> of output.</summary>
    public void Released(long bytes)
    {
        if (Interlocked.Add(ref _released, bytes) >= Threshold && Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = CollectSoonAsync();
        }
    }

    private async Task CollectSoonAsync()
    {
        await Task.Delay(Delay, time).ConfigureAwait(false);
        Interlocked.Exchange(ref _released, 0);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Increment(ref _collections);
        Volatile.Write(ref _scheduled, 0);
    }
}
