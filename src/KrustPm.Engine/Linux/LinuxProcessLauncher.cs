using System.Collections.Concurrent;
using System.IO.Pipes;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Starts and signals real processes on Linux. Each run is started with one posix_spawn(3) of the program itself,
/// or, when it must die with krust-pm or run as another user, of <c>setpriv --pdeathsig KILL [--reuid --regid
/// --groups] -- PROGRAM ARGS...</c>, which execs the program in place (the pid stays the program's). The run leads
/// its own session and process group, so a signal reaches the whole tree it started and never krust-pm; it dies
/// with krust-pm's launch thread, even if krust-pm is killed with SIGKILL (<see
/// cref="LinuxProcessLauncherOptions.KillWithParent"/>); and it starts with default signal dispositions (.NET leaves
/// SIGPIPE ignored). With a <see cref="CgroupTree"/>, each run moves itself into its instance's cgroup before it execs
/// the program (cgroup-enter, or a shell, in front instead of setpriv's parent-death signal: the guardian kills the whole tree if
/// krust-pm dies), and a run is over only once that cgroup is empty: whatever it forked, however it detached, is
/// killed with it. Exits are noticed through pid file descriptors on one reaper thread, which reaps every child,
/// so no zombie is left behind. Where the kernel has no pidfd_open (before Linux 5.3) or libc no
/// posix_spawn_file_actions_addchdir_np (before glibc 2.29), runs are started with
/// <see cref="System.Diagnostics.Process"/> instead, through <c>setsid env --default-signal</c>, and the .NET
/// runtime reaps them.
/// </summary>
public sealed partial class LinuxProcessLauncher : IProcessLauncher, IDisposable
{
    private readonly ConcurrentDictionary<long, Run> _runs = new();
    private readonly LinuxProcessLauncherOptions _options;
    private readonly OutputStore? _output;
    private readonly Guardian? _guardian;
    private readonly ChildReaper? _reaper;
    private readonly CgroupTree? _cgroups;
    private readonly LaunchThread _thread = LaunchThread.Instance;

    /// <summary>Creates a launcher with <see cref="LinuxProcessLauncherOptions.Default"/>; output is not captured.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux, or a needed util-linux/coreutils tool is missing.</exception>
    public LinuxProcessLauncher()
        : this(LinuxProcessLauncherOptions.Default)
    {
    }

    /// <summary>Creates a launcher.</summary>
    /// <param name="options">Which protections against krust-pm's own death to use.</param>
    /// <param name="output">
    /// Where every instance's stdout and stderr go (each program's <see cref="ProgramSpec.Log"/> applies);
    /// <see langword="null"/> lets children write to krust-pm's own stdout and stderr.
    /// </param>
    /// <param name="cgroups">
    /// krust-pm's cgroup tree, when it contains its instances in cgroups (v2): each run moves itself into its
    /// instance's cgroup before it execs the program, and is over only once that cgroup is empty. <see langword="null"/>: process
    /// groups only. Not used by the fallback path (kernels before Linux 5.3 have no <c>cgroup.kill</c> anyway).
    /// </param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux, or a needed util-linux/coreutils tool is missing.</exception>
    public LinuxProcessLauncher(LinuxProcessLauncherOptions options, OutputStore? output = null, CgroupTree? cgroups = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The krust-pm launcher runs on Linux only.");
        }

        _reaper = options.SpawnsDirectly ? ChildReaper.Shared : null;
        foreach (var tool in _reaper is null ? [LaunchPlan.SetprivPath, SetsidPath, EnvPath] : new[] { LaunchPlan.SetprivPath })
        {
            if (!File.Exists(tool))
            {
                throw new PlatformNotSupportedException($"krust-pm needs {tool} (util-linux / coreutils) to start programs.");
            }
        }

        _options = options;
        _output = output;
        _cgroups = _reaper is null ? null : cgroups;
        _guardian = options.Guardian ? new Guardian(_cgroups) : null;
        if (_reaper is not null)
        {
            // Loaded now, not at the first launch: a first launch during a shortage of descriptors would leave runs
            // on the slower system tools for the life of the process.
            _ = DeathSignal.Path;
            if (_cgroups is not null)
            {
                _ = CgroupEnter.IsNative;
            }
        }
    }

    /// <summary>How many runs this launcher has started that have not exited yet.</summary>
    public int LiveRuns => _runs.Count;

    /// <inheritdoc />
    public void Launch(LaunchRequest request, IProcessEvents events) => _thread.Post(() =>
    {
        try
        {
            LaunchNow(request, events);
        }
        catch (Exception error) when (error is IOException { HResult: var errno } && DescriptorBudget.IsShortage(errno))
        {
            events.StartDeferred(request.RunId, DescriptorBudget.Describe("could not start it", errno));
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Never leave the engine waiting for a start that will not be reported.
            events.StartFailed(request.RunId, $"krust-pm could not start it: {error.Message}");
        }
    });

    /// <inheritdoc />
    public void Signal(long runId, int signal, SignalTarget target = SignalTarget.Group) => _thread.Post(() =>
    {
        if (_runs.TryGetValue(runId, out var run))
        {
            run.Signal(signal, target);
        }
    });

    /// <summary>
    /// Lets the guardian go (it kills any group still listed, normally none), telling it that krust-pm exits
    /// cleanly: the cgroup tree, if any, is left to its owner (<see cref="CgroupTree.Dispose"/> removes it).
    /// </summary>
    public void Dispose()
    {
        _guardian?.ExitingCleanly();
        _guardian?.Dispose();
    }

    private void LaunchNow(LaunchRequest request, IProcessEvents events)
    {
        // From here on the run sees its instance's values (argv, environment, folders, log paths).
        request = request with { Program = request.InstanceProgram() };

        // First: short of descriptors, even looking up the program's user could fail and be blamed on the program.
        var needed = _reaper is null ? DescriptorBudget.PerProcessRun : _output is null ? DescriptorBudget.PerRun : DescriptorBudget.PerCapturedRun;
        if (!DescriptorBudget.HasRoom(needed, out var shortage))
        {
            events.StartDeferred(request.RunId, shortage);
        }
        else if (!TryMakeCgroup(request, events, out var cgroup))
        {
            // Reported as a start failure or deferral.
        }
        else if (!LaunchPlan.TryCreate(request.Program, _options, out var plan, out var error, cgroup?.ProcsFile))
        {
            cgroup?.End(static () => { });
            events.StartFailed(request.RunId, error);
        }
        else if (!ReadyLineReport.TryCreate(request, outputRead: _output is not null && !request.Program.Log.Inherit, events, out var ready))
        {
            cgroup?.End(static () => { }); // Reported as a start failure.
        }
        else if (_reaper is not null)
        {
            Spawn(request, plan, cgroup, _reaper, events, ready);
        }
        else
        {
            StartProcess(request, plan, events, ready);
        }
    }

    /// <summary>Makes the run's instance cgroup, when runs are contained in cgroups; a failure is the start's.</summary>
    private bool TryMakeCgroup(LaunchRequest request, IProcessEvents events, out InstanceCgroup? cgroup)
    {
        cgroup = null;
        if (_cgroups is null)
        {
            return true;
        }

        var error = InstanceCgroup.Make(_cgroups, request.Program.Name, request.InstanceId, out var made);
        if (error == 0 && made.ApplyLimits(request.Program.Process) is { } limitProblem)
        {
            made.End(static () => { });
            events.StartFailed(request.RunId, limitProblem);
            return false;
        }

        if (error == 0)
        {
            cgroup = made;
            return true;
        }

        var reason = $"cannot make its cgroup {made.Path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(error)}";
        if (DescriptorBudget.IsShortage(error))
        {
            events.StartDeferred(request.RunId, $"krust-pm {reason}");
        }
        else
        {
            events.StartFailed(request.RunId, $"krust-pm {reason}");
        }

        return false;
    }

    /// <summary>
    /// Starts copying the run's stdout and stderr into its sinks, after the previous try's output, between the try's
    /// start and exit markers.
    /// </summary>
    /// <remarks>With <see cref="Logs.LogPolicy.MergeStderr"/> there is no stderr pipe: both streams come through stdout's.</remarks>
    private Task CopyOutput(LaunchRequest request, TryMarkers markers, PipeStream stdout, PipeStream? stderr, ReadyLineReport? ready)
    {
        var spec = request.Program;
        return stderr is null ? Copy(OutputKind.Stdout, stdout) : Task.WhenAll(Copy(OutputKind.Stdout, stdout), Copy(OutputKind.Stderr, stderr));

        Task Copy(OutputKind kind, PipeStream pipe)
        {
            var sink = spec.Log.Enabled ? _output!.Sink(spec.Name, request.InstanceId, kind, spec.Log) : null;

            // Only the launch thread starts copies, so LastCopy is never raced.
            var copy = OutputCopy.RunAsync(pipe, sink, sink?.LastCopy ?? Task.CompletedTask, markers.Started, ready?.Watcher, kind, markers.Ended);
            if (sink is not null)
            {
                sink.LastCopy = copy;
            }

            return copy;
        }
    }

    /// <summary>
    /// Sends SIGKILL to whatever is left in a run's process group, then takes the group off the guardian's list (when it was
    /// <paramref name="listed"/>). A group sent SIGKILL is doomed (no member runs again, a child forked at that moment is killed too), so it no
    /// longer needs the guardian; until then it stays listed, including between its leader's exit and this kill.
    /// </summary>
    private void KillGroupAndUnlist(int pid, bool listed)
    {
        NativeMethods.Kill(-pid, Signals.Kill);
        if (listed)
        {
            _guardian?.Remove(pid);
        }
    }

    /// <summary>Reports the end of a run whose process has been reaped, and whose group has been killed.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="events">Where to report.</param>
    /// <param name="cause">Why, when known beyond the code (the kernel's OOM killer).</param>
    private void Ended(long runId, int exitCode, IProcessEvents events, string? cause = null)
    {
        _runs.TryRemove(runId, out var run);
        run?.Ready?.Stop(); // a ready line is never reported after the exit
        run?.Markers?.Exited(exitCode, cause);
        if (cause is null)
        {
            events.Exited(runId, exitCode);
        }
        else
        {
            events.Exited(runId, exitCode, cause);
        }
    }

    /// <summary>A run that has been started and has not been reported exited.</summary>
    private abstract class Run
    {
        /// <summary>Sends a signal to the run's process group or its main process; nothing once the run has ended.</summary>
        public abstract void Signal(int signal, SignalTarget target);

        /// <summary>Reports the run's ready line, when its program has one.</summary>
        public ReadyLineReport? Ready { get; init; }

        /// <summary>The lines around the run's output in its log files, when its output is captured.</summary>
        public TryMarkers? Markers { get; init; }
    }
}
