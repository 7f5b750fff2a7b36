using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The fallback path, for kernels without pidfd_open or libcs without posix_spawn_file_actions_addchdir_np:
/// <see cref="Process"/>, through <c>setsid</c> (own session) and <c>env --default-signal</c>; the runtime reaps.
/// </summary>
public sealed partial class LinuxProcessLauncher
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string EnvPath = "/usr/bin/env";

    /// <summary>
    /// How the fallback path starts a plan: <c>setsid env --default-signal ARGV...</c> (each execs in place), with
    /// the plan's environment and working directory, and stdin redirected (to be closed at once: end of file).
    /// </summary>
    internal static ProcessStartInfo FallbackStartInfo(LaunchPlan plan, bool captureOutput)
    {
        var info = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = plan.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = captureOutput,
            RedirectStandardError = captureOutput,
        };
        info.Environment.Clear();
        foreach (var (name, value) in plan.Environment)
        {
            info.Environment[name] = value;
        }

        // env would read a path containing '=' as a variable assignment; such a program keeps SIGPIPE ignored.
        if (!plan.Argv[0].Contains('=', StringComparison.Ordinal))
        {
            info.ArgumentList.Add(EnvPath);
            info.ArgumentList.Add("--default-signal");
        }

        foreach (var argument in plan.Argv)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private void StartProcess(LaunchRequest request, LaunchPlan plan, IProcessEvents events, ReadyLineReport? ready)
    {
        // This fallback (no pidfd) cannot give stdout and stderr one pipe: merge_stderr keeps them apart here.
        var capture = _output is not null && !request.Program.Log.Inherit;
        var info = FallbackStartInfo(plan, captureOutput: capture);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.Exited += (_, _) => OnProcessExited(request.RunId, process, events);

        // Held until Started is reported, so that an instant exit is always reported after the start.
        StreamWriter stdin;
        lock (process)
        {
            try
            {
                process.Start();
            }
            catch (Exception failure) when (failure is Win32Exception or InvalidOperationException or IOException)
            {
                process.Dispose();
                if (Shortage(failure) is { } errno)
                {
                    events.StartDeferred(request.RunId, DescriptorBudget.Describe("could not start a process", errno));
                }
                else
                {
                    events.StartFailed(request.RunId, $"cannot start '{plan.Program}': {failure.Message}");
                }

                return;
            }

            // Taken now: once the lock is released, an instant exit may dispose the process object at any moment.
            stdin = process.StandardInput;
            var markers = capture ? new TryMarkers(request, process.Id) : null;
            var output = markers is null
                ? Task.CompletedTask
                : CopyOutput(request, markers, (PipeStream)process.StandardOutput.BaseStream, (PipeStream)process.StandardError.BaseStream, ready);
            _runs[request.RunId] = new ProcessRun(process, output) { Ready = ready, Markers = markers };
            _guardian?.Add(process.Id);
            events.Started(request.RunId, process.Id);
            ready?.StartReported();
        }

        // The child gets an empty stdin (end of file), never krust-pm's own.
        try
        {
            stdin.Close();
        }
        catch (IOException)
        {
            // The child already exited and closed its end.
        }
    }

    /// <summary>The errno of a failure to start a <see cref="Process"/> when it is krust-pm's own shortage, else null.</summary>
    internal static int? Shortage(Exception failure) => failure switch
    {
        Win32Exception { NativeErrorCode: var errno } when DescriptorBudget.IsShortage(errno) => errno,
        IOException { HResult: var errno } when DescriptorBudget.IsShortage(errno) => errno,
        _ => null,
    };

    private void OnProcessExited(long runId, Process process, IProcessEvents events)
    {
        int exitCode;
        lock (process)
        {
            exitCode = process.ExitCode;
        }

        // Whatever the leader left behind in its group belongs to a run that is over: no orphans. That also
        // closes the last writers of the output pipes, so the copies reach end of file. (The runtime has reaped the
        // leader already: the guardian counts, so a new group of the same number stays listed.)
        KillGroupAndUnlist(process.Id, listed: true);
        var output = _runs.TryGetValue(runId, out var run) ? ((ProcessRun)run).Output : Task.CompletedTask;
        Ended(runId, exitCode, events);

        // The pipes belong to the process object: it is disposed only once its output is all copied.
        output.ContinueWith(_ => process.Dispose(), TaskScheduler.Default);
    }

    /// <summary>A run started with <see cref="Process"/>: the runtime reaps it.</summary>
    private sealed class ProcessRun(Process process, Task output) : Run
    {
        public Task Output => output;

        /// <summary>
        /// Signals the group, or the process alone. Right after the start, before <c>setsid</c> ran, the group does
        /// not exist yet: then the process itself is signalled.
        /// </summary>
        public override void Signal(int signal, SignalTarget target)
        {
            if (target == SignalTarget.Main)
            {
                NativeMethods.Kill(process.Id, signal);
            }
            else if (NativeMethods.Kill(-process.Id, signal) != 0 && Marshal.GetLastPInvokeError() == NativeMethods.Esrch)
            {
                NativeMethods.Kill(process.Id, signal);
            }
        }
    }
}
