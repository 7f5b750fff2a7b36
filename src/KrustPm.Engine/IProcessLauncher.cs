namespace KrustPm.Engine;

/// <summary>
/// Carries out the engine's effects on the operating system and reports what happens back as events.
/// Implementations: <see cref="Linux.LinuxProcessLauncher"/>, and fakes in tests.
/// </summary>
public interface IProcessLauncher
{
    /// <summary>
    /// Starts one try. Must not throw for a program that cannot be started: report
    /// <see cref="IProcessEvents.StartFailed"/> instead. After this returns, <see cref="Signal"/> must reach the process.
    /// </summary>
    /// <param name="request">What to start.</param>
    /// <param name="events">Where to report the start and the exit of this run.</param>
    void Launch(LaunchRequest request, IProcessEvents events);

    /// <summary>
    /// Sends a signal to the run's whole process group, or to its main process alone. A run that already ended is
    /// not an error.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="signal">The signal number.</param>
    /// <param name="target">Who receives it: the whole group (the default) or the run's main process only.</param>
    void Signal(long runId, int signal, SignalTarget target = SignalTarget.Group);
}

/// <summary>Where a launcher reports what happened to a run. Safe to call from any thread.</summary>
public interface IProcessEvents
{
    /// <summary>The run's OS process exists.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="pid">Its process id.</param>
    void Started(long runId, int pid);

    /// <summary>The run could not be started.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Why, for the user.</param>
    void StartFailed(long runId, string reason);

    /// <summary>
    /// The run was not started because krust-pm itself lacks a resource to start it now: it is out of file
    /// descriptors, processes or memory (EMFILE, ENFILE, EAGAIN, ENOMEM). Not the program's failure: the engine
    /// tries again later and counts no failure. Use <see cref="StartFailed"/> for anything that is the program's.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="reason">What krust-pm is short of, for the user.</param>
    void StartDeferred(long runId, string reason);

    /// <summary>The run's process exited (reported after <see cref="Started"/>).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="exitCode">Its exit code; 128 + N when killed by signal N.</param>
    void Exited(long runId, int exitCode);

    /// <summary>
    /// The run's process exited, and the launcher knows why beyond its code (the kernel's OOM killer ended it at
    /// its cgroup's memory limit). Defaults to <see cref="Exited(long, int)"/> without the cause.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="exitCode">Its exit code; 128 + N when killed by signal N.</param>
    /// <param name="cause">Why, for the user (e.g. <c>killed by the kernel: out of memory, memory_max 256 MiB</c>).</param>
    void Exited(long runId, int exitCode, string cause) => Exited(runId, exitCode);

    /// <summary>
    /// A line of the run's output matched its program's <see cref="ProgramSpec.ReadyLogLine"/> (reported at most
    /// once per run, between <see cref="Started"/> and <see cref="Exited(long, int)"/>).
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="line">The line that matched.</param>
    void ReadyLineSeen(long runId, string line);
}
