namespace KrustPm.Host.Resources;

/// <summary>What one instance's processes use, summed over all of them, as krust-pm last sampled it.</summary>
/// <param name="Pid">The main process of the run sampled (a sample is only shown for that run).</param>
/// <param name="CpuPercent">CPU over the last interval, in % of one core (200 = two cores busy).</param>
/// <param name="CpuSeconds">CPU time used since the run started, its reaped children included.</param>
/// <param name="MemoryBytes">Resident memory (RSS), summed.</param>
/// <param name="Processes">How many processes.</param>
/// <param name="Threads">How many threads.</param>
/// <param name="OpenFiles">Open file descriptors (those krust-pm may read).</param>
/// <param name="At">When it was sampled.</param>
internal sealed record InstanceResources(
    int Pid, double CpuPercent, double CpuSeconds, long MemoryBytes, int Processes, int Threads, int OpenFiles, DateTimeOffset At);
