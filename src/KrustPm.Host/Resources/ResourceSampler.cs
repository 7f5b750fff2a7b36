using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Resources;

/// <summary>
/// Samples what every running instance uses, every <c>sample_interval_ms</c>: CPU, resident memory, processes,
/// threads and open files, summed over the instance's processes (<see cref="ProcessGroups"/>), read from /proc with no
/// external tool. The latest samples are published at once as one immutable map (the API, <c>status</c>, <c>top</c>
/// and <c>/metrics</c> read it); the memory of the programs with <c>max_memory</c> goes to the engine, which decides.
/// </summary>
internal sealed class ResourceSampler(ProcessEngine engine, KrustConfig config, Hosting.Containment containment, TimeProvider time)
    : BackgroundService
{
    /// <summary>The latest samples: a new dictionary each time, never changed once published.</summary>
    private IReadOnlyDictionary<(string Program, long Instance), InstanceResources> _latest =
        new Dictionary<(string, long), InstanceResources>();

    /// <summary>The latest sample of an instance's current run, or <see langword="null"/>.</summary>
    public InstanceResources? Of(string program, InstanceState instance) =>
        instance.Pid is { } pid && Volatile.Read(ref _latest).TryGetValue((program, instance.Id), out var sample) && sample.Pid == pid
            ? sample
            : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.SampleInterval <= TimeSpan.Zero)
        {
            return; // sample_interval_ms = 0: off
        }

        using var timer = new PeriodicTimer(config.SampleInterval, time);
        try
        {
            do
            {
                SampleOnce();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // krust-pm stops.
        }
    }

    /// <summary>Takes one sample of every running instance, publishes it, and reports memory to the engine.</summary>
    private void SampleOnce()
    {
        var state = engine.State;
        var now = time.GetUtcNow();
        var previous = Volatile.Read(ref _latest);
        var tree = containment.Tree;
        var runs = new List<(ProgramState Program, InstanceState Instance, int Pid)>();
        foreach (var program in state.Programs)
        {
            foreach (var instance in program.Instances)
            {
                if (instance.Pid is { } pid && instance.Status is InstanceStatus.Running or InstanceStatus.Stopping)
                {
                    runs.Add((program, instance, pid));
                }
            }
        }

        var bySession = tree is null ? ProcessGroups.BySession(runs.Select(r => r.Pid).ToHashSet()) : null;
        var samples = new Dictionary<(string, long), InstanceResources>(runs.Count);
        foreach (var (program, instance, pid) in runs)
        {
            var cgroup = tree?.InstancePath(program.Name, instance.Id);
            var members = cgroup is null ? bySession!.GetValueOrDefault(pid) ?? [] : ProcessGroups.InCgroup(cgroup);
            if (members.Count == 0 || !SameProcess(pid, members, instance.StartedAt))
            {
                continue; // it just exited, or its pid is another process's now
            }

            // In a cgroup the kernel counts the CPU of every process the run ever had, those that exited and were
            // reaped elsewhere included (a detached daemon's child): cpu.stat, which cgroup v2 keeps without any controller.
            var cgroupSeconds = cgroup is null ? null : CgroupCpu.UsageSeconds(cgroup);
            var sample = Measure(pid, members, now, previous.GetValueOrDefault((program.Name, instance.Id)), cgroupSeconds);
            samples[(program.Name, instance.Id)] = sample;
            if (program.Spec.MaxMemory is not null && instance.RunId is { } runId && instance.Status is InstanceStatus.Running)
            {
                engine.ReportMemory(runId, sample.MemoryBytes);
            }
        }

        Volatile.Write(ref _latest, samples);
    }

    /// <summary>
    /// Whether the instance's main process is the one that started with its run, not another that took its pid once it
    /// ended: its start time (boot time + <see cref="ProcStat.StartTicks"/>) is within a few seconds of the run's.
    /// </summary>
    private static bool SameProcess(int pid, List<(int Pid, ProcStat Stat)> members, DateTimeOffset? startedAt)
    {
        if (startedAt is not { } started || BootTime.Value is not { } boot)
        {
            return true;
        }

        foreach (var (member, stat) in members)
        {
            if (member == pid)
            {
                var processStart = boot.AddSeconds(stat.StartTicks / (double)ProcStat.TicksPerSecond);
                return (processStart - started).Duration() < PidReuseTolerance;
            }
        }

        return true; // the main process is gone but its children remain: they are still the instance's
    }

    /// <summary>How far a main process's start may be from its run's (the engine notes the run when the spawn returns).</summary>
    private static readonly TimeSpan PidReuseTolerance = TimeSpan.FromSeconds(5);

    /// <summary>When the machine booted (<c>btime</c> in /proc/stat), or <see langword="null"/> if unreadable.</summary>
    private static readonly Lazy<DateTimeOffset?> BootTime = new(() =>
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/stat"))
            {
                if (line.StartsWith("btime ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                {
                    return DateTimeOffset.FromUnixTimeSeconds(seconds);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    });

    private static InstanceResources Measure(int pid, List<(int Pid, ProcStat Stat)> members, DateTimeOffset now, InstanceResources? previous, double? cgroupSeconds)
    {
        long ticks = 0, pages = 0;
        int threads = 0, files = 0;
        foreach (var (member, stat) in members)
        {
            ticks += stat.CpuTicks + (member == pid ? stat.ReapedChildrenTicks : 0);
            pages += stat.ResidentPages;
            threads += stat.Threads;
            files += ProcessGroups.OpenFiles(member);
        }

        var seconds = cgroupSeconds ?? ticks / (double)ProcStat.TicksPerSecond;
        var percent = 0.0;
        if (previous is not null && previous.Pid == pid && now > previous.At)
        {
            percent = Math.Max(0, (seconds - previous.CpuSeconds) / (now - previous.At).TotalSeconds * 100);
        }

        return new InstanceResources(pid, Math.Round(percent, 1), seconds, pages * Environment.SystemPageSize, members.Count, threads, files, now);
    }
}
