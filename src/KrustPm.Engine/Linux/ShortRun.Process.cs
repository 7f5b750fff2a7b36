using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>The fallback: <see cref="Process"/>, which the runtime reaps.</summary>
internal abstract partial class ShortRun
{
    private static ShortRunStart StartProcess(LaunchPlan plan)
    {
        var process = new Process { StartInfo = LinuxProcessLauncher.FallbackStartInfo(plan, captureOutput: true), EnableRaisingEvents = true };
        var run = new ProcessRun(process);
        lock (process)
        {
            try
            {
                process.Start();
            }
            catch (Exception failure) when (failure is Win32Exception or InvalidOperationException or IOException)
            {
                process.Dispose();
                return LinuxProcessLauncher.Shortage(failure) is { } errno
                    ? ShortRunStart.Short(DescriptorBudget.Describe("could not start a process", errno))
                    : ShortRunStart.Failed(failure.Message);
            }

            run.Started();
        }

        return new ShortRunStart(run, null);
    }

    /// <summary>
    /// A command started with <see cref="Process"/>. Reading the redirected streams puts the process object in
    /// synchronous mode, in which disposing the process object leaves the pipes open until they are finalized:
    /// they are closed here, explicitly.
    /// </summary>
    private sealed class ProcessRun : ShortRun
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private StreamReader? _stdout;
        private StreamReader? _stderr;
        private int _pid;

        public ProcessRun(Process process)
        {
            _process = process;
            process.Exited += (_, _) => OnExited();
        }

        public override Stream Stdout => _stdout!.BaseStream;

        public override Stream Stderr => _stderr!.BaseStream;

        public override Task<int> Exited => _exited.Task;

        /// <summary>Takes the pipes and gives the command an empty stdin (end of file). Called under the process's lock.</summary>
        public void Started()
        {
            _pid = _process.Id;
            _stdout = _process.StandardOutput;
            _stderr = _process.StandardError;
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The command already exited and closed its end.
            }
        }

        /// <summary>
        /// Kills the process group; right after the start, before setsid made the group, the process alone (through
        /// <see cref="Process.Kill()"/>, which does nothing to a process the runtime has reaped).
        /// </summary>
        public override void Kill()
        {
            if (NativeMethods.Kill(-_pid, Signals.Kill) == 0 || Marshal.GetLastPInvokeError() != NativeMethods.Esrch)
            {
                return;
            }

            try
            {
                _process.Kill();
            }
            catch (Exception error) when (error is InvalidOperationException or Win32Exception)
            {
                // It has exited meanwhile.
            }
        }

        public override ValueTask DisposeAsync()
        {
            _stdout?.Dispose();
            _stderr?.Dispose();
            _process.Dispose();
            return ValueTask.CompletedTask;
        }

        private void OnExited()
        {
            int exitCode;
            lock (_process)
            {
                exitCode = _process.ExitCode;
            }

            // Whatever it left running in its group goes with it; that also closes the last writers of its pipes.
            // Only the group: its own pid is reaped, and may already be another process's.
            NativeMethods.Kill(-_pid, Signals.Kill);
            _exited.TrySetResult(exitCode);
        }
    }
}
