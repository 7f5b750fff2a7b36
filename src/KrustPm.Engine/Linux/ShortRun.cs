using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Linux;

/// <summary>
/// A short command krust-pm runs for itself (an exec probe), started the way programs are: from the launch thread
/// (so its parent-death signal is tied to a thread that never exits), by posix_spawn, leading its own session and
/// process group, with default signal dispositions, stdin from /dev/null and its stdout and stderr in pipes; reaped
/// through its pid file descriptor, with whatever it left in its group killed first. Where the spawn path is not
/// available (or <see cref="LinuxProcessLauncherOptions.UseProcessStart"/>), the launcher's fallback is used: a
/// <see cref="System.Diagnostics.Process"/> through <c>setsid env --default-signal</c>. Either way its file
/// descriptors are all closed by <see cref="DisposeAsync"/>, never left to the garbage collector.
/// </summary>
internal abstract partial class ShortRun : IAsyncDisposable
{
    /// <summary>The read end of the command's stdout.</summary>
    public abstract Stream Stdout { get; }

    /// <summary>The read end of the command's stderr.</summary>
    public abstract Stream Stderr { get; }

    /// <summary>
    /// Completes with the exit code (128 + N when killed by signal N) once the command has exited and whatever it
    /// left in its process group has been sent SIGKILL.
    /// </summary>
    public abstract Task<int> Exited { get; }

    /// <summary>Starts <paramref name="plan"/>.</summary>
    /// <returns>The run, or why it could not start.</returns>
    public static Task<ShortRunStart> StartAsync(LaunchPlan plan, LinuxProcessLauncherOptions options) =>
        LaunchThread.Instance.RunAsync(() => options.SpawnsDirectly && ChildReaper.Shared is { } reaper
            ? Spawn(plan, reaper)
            : StartProcess(plan));

    /// <summary>Sends SIGKILL to the command's whole process group (at its timeout); nothing once it has been reaped.</summary>
    public abstract void Kill();

    /// <summary>Closes the pipes (and, on the fallback path, the process object).</summary>
    public abstract ValueTask DisposeAsync();

    private static ShortRunStart Spawn(LaunchPlan plan, ChildReaper reaper)
    {
        var error = ChildSpawner.Spawn(plan, captureOutput: true, out var child);
        if (error != 0)
        {
            return DescriptorBudget.IsShortage(error)
                ? ShortRunStart.Short(DescriptorBudget.Describe("could not start a process", error))
                : ShortRunStart.Failed($"'{plan.Program}': {Marshal.GetPInvokeErrorMessage(error)}");
        }

        var spawned = new SpawnedChild(child.Pid);
        var pidfd = ChildReaper.Open(child.Pid);
        if (pidfd < 0)
        {
            // Out of file descriptors: a child krust-pm cannot watch must not run.
            error = Marshal.GetLastPInvokeError();
            spawned.Reap();
            NativeMethods.Close(child.Stdout);
            NativeMethods.Close(child.Stderr);
            return DescriptorBudget.IsShortage(error)
                ? ShortRunStart.Short(DescriptorBudget.Describe("could not watch a process it started", error))
                : ShortRunStart.Failed($"'{plan.Program}': cannot watch it: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        var run = new SpawnedRun(spawned, OpenPipe(child.Stdout), OpenPipe(child.Stderr));
        reaper.Watch(pidfd, () => run.Ended(spawned.Reap()));
        return new ShortRunStart(run, null);
    }

    /// <summary>A pipe's read end as a stream that reads asynchronously (through the runtime's epoll engine).</summary>
    private static AnonymousPipeClientStream OpenPipe(int fd) => new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    /// <summary>A command started by posix_spawn: the reaper thread reaps it.</summary>
    private sealed class SpawnedRun(SpawnedChild child, AnonymousPipeClientStream stdout, AnonymousPipeClientStream stderr) : ShortRun
    {
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Stream Stdout => stdout;

        public override Stream Stderr => stderr;

        public override Task<int> Exited => _exited.Task;

        /// <summary>Called by the reaper once the leader is reaped (its group killed first).</summary>
        public void Ended(int exitCode) => _exited.TrySetResult(exitCode);

        public override void Kill() => child.Signal(Signals.Kill);

        public override async ValueTask DisposeAsync()
        {
            await stdout.DisposeAsync().ConfigureAwait(false);
            await stderr.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A started <see cref="ShortRun"/>, or why it could not start.</summary>
/// <param name="Run">The run (the caller disposes it), or <see langword="null"/>.</param>
/// <param name="Error">Why it could not start (for the user), or <see langword="null"/>.</param>
/// <param name="Shortage">Whether the reason is krust-pm's own shortage (EMFILE, ENFILE, EAGAIN, ENOMEM), not the command's.</param>
internal readonly record struct ShortRunStart(ShortRun? Run, string? Error, bool Shortage = false)
{
    public static ShortRunStart Failed(string error) => new(null, error);

    public static ShortRunStart Short(string error) => new(null, error, Shortage: true);
}
