using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Starts and signals real processes on Linux. Each run is started through <c>setsid</c> (which execs in place, so
/// the pid stays the same) and becomes the leader of its own session and process group: a signal reaches the
/// whole tree it started, never krust-pm. <c>env --default-signal</c> restores the signal dispositions .NET
/// leaves ignored (SIGPIPE). The .NET runtime reaps every child, so no zombie is left behind.
/// </summary>
public sealed class LinuxProcessLauncher : IProcessLauncher
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string EnvPath = "/usr/bin/env";

    private readonly ConcurrentDictionary<long, Process> _runs = new();

    /// <summary>Creates a launcher.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux, or <c>setsid</c>/<c>env</c> is missing.</exception>
    public LinuxProcessLauncher()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The krust-pm launcher runs on Linux only.");
        }

        foreach (var tool in new[] { SetsidPath, EnvPath })
        {
            if (!File.Exists(tool))
            {
                throw new PlatformNotSupportedException($"krust-pm needs {tool} (util-linux / coreutils) to start programs.");
            }
        }
    }

    /// <summary>How many runs this launcher has started that have not exited yet.</summary>
    public int LiveRuns => _runs.Count;

    /// <inheritdoc />
    public void Launch(LaunchRequest request, IProcessEvents events)
    {
        var spec = request.Program;
        var workingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory;
        if (!Directory.Exists(workingDirectory))
        {
            events.StartFailed(request.RunId, $"working directory does not exist: '{workingDirectory}'");
            return;
        }

        if (!ExecutableLookup.TryResolve(spec.Argv[0], workingDirectory, out var executable, out var error))
        {
            events.StartFailed(request.RunId, error);
            return;
        }

        var process = new Process { StartInfo = StartInfo(spec, workingDirectory, executable), EnableRaisingEvents = true };
        process.Exited += (_, _) => OnExited(request.RunId, process, events);

        // Held until Started is reported, so that an instant exit is always reported after the start.
        lock (process)
        {
            try
            {
                process.Start();
            }
            catch (Exception failure) when (failure is Win32Exception or InvalidOperationException or IOException)
            {
                process.Dispose();
                events.StartFailed(request.RunId, $"cannot start '{executable}': {failure.Message}");
                return;
            }

            _runs[request.RunId] = process;
            events.Started(request.RunId, process.Id);
        }

        // The child gets an empty stdin (end of file), never krust-pm's own.
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child already exited and closed its end.
        }
    }

    /// <inheritdoc />
    public void Signal(long runId, int signal)
    {
        if (!_runs.TryGetValue(runId, out var process))
        {
            return; // Already exited: not an error.
        }

        SignalGroup(process.Id, signal);
    }

    private static ProcessStartInfo StartInfo(ProgramSpec spec, string workingDirectory, string executable)
    {
        var info = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
        };

        // env would read a path containing '=' as a variable assignment; such a program keeps SIGPIPE ignored.
        if (!executable.Contains('=', StringComparison.Ordinal))
        {
            info.ArgumentList.Add(EnvPath);
            info.ArgumentList.Add("--default-signal");
        }

        info.ArgumentList.Add(executable);
        foreach (var argument in spec.Argv.AsSpan()[1..])
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>
    /// Signals the process group led by <paramref name="pid"/>. Right after the start, before <c>setsid</c> ran,
    /// the group does not exist yet: then the process itself is signalled.
    /// </summary>
    private static void SignalGroup(int pid, int signal)
    {
        if (NativeMethods.Kill(-pid, signal) != 0 && Marshal.GetLastPInvokeError() == NativeMethods.Esrch)
        {
            NativeMethods.Kill(pid, signal);
        }
    }

    private void OnExited(long runId, Process process, IProcessEvents events)
    {
        int exitCode;
        lock (process)
        {
            exitCode = process.ExitCode;
            _runs.TryRemove(runId, out _);
        }

        // Whatever the leader left behind in its group belongs to a run that is over: no orphans.
        NativeMethods.Kill(-process.Id, Signals.Kill);
        process.Dispose();
        events.Exited(runId, exitCode);
    }
}
