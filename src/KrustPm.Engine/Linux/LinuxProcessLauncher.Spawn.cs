using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Linux;

/// <summary>The default path: posix_spawn, a pidfd per run, and the reaper thread.</summary>
public sealed partial class LinuxProcessLauncher
{
    private void Spawn(LaunchRequest request, LaunchPlan plan, InstanceCgroup? cgroup, ChildReaper reaper, IProcessEvents events, ReadyLineReport? ready)
    {
        var log = request.Program.Log;
        var capture = _output is not null && !log.Inherit;
        // A contained run of a krust-pm that lives in its tree is born inside the tree, which the guardian kills whole
        // if krust-pm dies: the guardian then need not hear of each spawn (three writes and three wake-ups saved).
        var guardian = cgroup is not null && _cgroups!.HoldsSelf ? null : _guardian;
        var listed = guardian is not null;
        var error = ChildSpawner.Spawn(plan, capture, out var child, guardian is null ? null : guardian.Spawning, mergeStderr: log.MergeStderr);
        if (error != 0)
        {
            cgroup?.End(static () => { }); // removes the cgroup made for it
        }

        if (error != 0 && DescriptorBudget.IsShortage(error))
        {
            guardian?.SpawnFailed();
            events.StartDeferred(request.RunId, DescriptorBudget.Describe("could not start a process", error));
            return;
        }

        if (error != 0)
        {
            guardian?.SpawnFailed();
            events.StartFailed(request.RunId, SpawnFailure(request.Program, plan, error));
            return;
        }

        // Listed before anything else can happen: if krust-pm dies from now on, the guardian kills the group.
        guardian?.Add(child.Pid);
        var markers = capture ? new TryMarkers(request, child.Pid) : null;
        var run = new SpawnedRun(child.Pid, cgroup) { Ready = ready, Markers = markers };
        var pidfd = ChildReaper.Open(child.Pid);
        if (pidfd < 0)
        {
            // A child krust-pm cannot watch must not run: it is ended at once (it has not run the program yet, or
            // only just), and the try waits for krust-pm's descriptors (or memory) to come back.
            error = Marshal.GetLastPInvokeError();
            KillGroupAndUnlist(child.Pid, listed);
            run.Reap();
            cgroup?.End(static () => { }); // removes the cgroup made for it
            CloseIfOpen(child.Stdout);
            CloseIfOpen(child.Stderr);
            if (DescriptorBudget.IsShortage(error))
            {
                events.StartDeferred(request.RunId, DescriptorBudget.Describe("could not watch a process it started", error));
            }
            else
            {
                events.StartFailed(request.RunId, $"cannot start '{plan.Program}': cannot watch it: {Marshal.GetPInvokeErrorMessage(error)}");
            }

            return;
        }

        _runs[request.RunId] = run;
        if (markers is not null)
        {
            _ = CopyOutput(request, markers, OpenPipe(child.Stdout), child.Stderr < 0 ? null : OpenPipe(child.Stderr), ready); // Each copy disposes its pipe.
        }

        try
        {
            events.Started(request.RunId, child.Pid);
        }
        finally
        {
            ready?.StartReported();

            // Only now: an exit, however early, is then reported after the start. Even if reporting the start
            // failed: the child must still be reaped.
            reaper.Watch(pidfd, () =>
            {
                KillGroupAndUnlist(child.Pid, listed); // while the leader, a zombie, still holds the group's number
                var exitCode = run.Reap();
                if (cgroup is null)
                {
                    Ended(request.RunId, exitCode, events);
                }
                else
                {
                    // Over only once its cgroup is empty: a detached daemon cannot outlive the run.
                    var cause = cgroup.OutOfMemoryCause(request.Program.Process);
                    cgroup.End(() => Ended(request.RunId, exitCode, events, cause));
                }
            });
        }
    }

    /// <summary>
    /// A pipe's read end as a stream. PipeStream reads asynchronously through the runtime's epoll engine, so a
    /// pending read holds no thread (a FileStream would block a thread-pool thread per pipe).
    /// </summary>
    private static AnonymousPipeClientStream OpenPipe(int fd) =>
        new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    private static void CloseIfOpen(int fd)
    {
        if (fd >= 0)
        {
            NativeMethods.Close(fd);
        }
    }

    private static string SpawnFailure(ProgramSpec spec, LaunchPlan plan, int error)
    {
        if (error is NativeMethods.Enoent or NativeMethods.Enotdir && !Directory.Exists(plan.WorkingDirectory))
        {
            return $"working directory does not exist: '{plan.WorkingDirectory}'";
        }

        var what = spec.User is null ? $"'{plan.Program}'" : $"'{plan.Program}' as user '{spec.User}'";
        var file = plan.Argv[0] == plan.Program ? string.Empty : $" ({plan.Argv[0]})";
        return $"cannot start {what}{file}: {Marshal.GetPInvokeErrorMessage(error)}";
    }

    /// <summary>A run started by posix_spawn: krust-pm reaps it itself.</summary>
    private sealed class SpawnedRun(int pid, InstanceCgroup? cgroup) : Run
    {
        private readonly SpawnedChild _child = new(pid);

        /// <summary>
        /// Signals the group (or main process); SIGKILL to the group, the end of a stop, also goes to the whole
        /// cgroup, so that processes that left the group die too.
        /// </summary>
        public override void Signal(int signal, SignalTarget target)
        {
            _child.Signal(signal, target);
            if (signal == Signals.Kill && target == SignalTarget.Group)
            {
                cgroup?.Kill();
            }
        }

        /// <inheritdoc cref="SpawnedChild.Reap"/>
        public int Reap() => _child.Reap();
    }
}
