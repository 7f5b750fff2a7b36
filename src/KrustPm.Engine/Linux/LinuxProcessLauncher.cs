using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using KrustPm.Engine.Health;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Starts and signals real processes on Linux. Each run is started as
/// <c>setsid setpriv --pdeathsig KILL env --default-signal PROGRAM ARGS...</c>, each of which execs in place (the pid
/// stays the program's): the run leads its own session and process group, so a signal reaches the whole tree it
/// started and never krust-pm; it dies with krust-pm's launch thread, even if krust-pm is killed with SIGKILL; and
/// it starts with default signal dispositions (.NET leaves SIGPIPE ignored). The .NET runtime reaps every child, so
/// no zombie is left behind.
/// </summary>
public sealed class LinuxProcessLauncher : IProcessLauncher, IDisposable
{
    private readonly ConcurrentDictionary<long, Run> _runs = new();
    private readonly LinuxProcessLauncherOptions _options;
    private readonly OutputStore? _output;
    private readonly Guardian? _guardian;
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
    /// <see langword="null"/> lets children write to krust-pm's own stdout and stderr (then no
    /// <see cref="ProgramSpec.ReadyLogLine"/> is ever seen: the output is not read).
    /// </param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux, or a needed util-linux/coreutils tool is missing.</exception>
    public LinuxProcessLauncher(LinuxProcessLauncherOptions options, OutputStore? output = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The krust-pm launcher runs on Linux only.");
        }

        foreach (var tool in LaunchPlan.Tools)
        {
            if (!File.Exists(tool))
            {
                throw new PlatformNotSupportedException($"krust-pm needs {tool} (util-linux / coreutils) to start programs.");
            }
        }

        _options = options;
        _output = output;
        _guardian = options.Guardian ? new Guardian() : null;
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
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Never leave the engine waiting for a start that will not be reported.
            events.StartFailed(request.RunId, $"krust-pm could not start it: {error.Message}");
        }
    });

    /// <inheritdoc />
    public void Signal(long runId, int signal) => _thread.Post(() =>
    {
        if (_runs.TryGetValue(runId, out var run))
        {
            SignalGroup(run.Process.Id, signal);
        }
    });

    /// <summary>Lets the guardian go (it kills any group still listed, normally none).</summary>
    public void Dispose() => _guardian?.Dispose();

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

    private void LaunchNow(LaunchRequest request, IProcessEvents events)
    {
        var plan = LaunchPlan.Create(request.Program, _options, captureOutput: _output is not null);
        if (plan.StartInfo is null)
        {
            events.StartFailed(request.RunId, plan.Error ?? "cannot start");
            return;
        }

        var process = new Process { StartInfo = plan.StartInfo, EnableRaisingEvents = true };
        if (!TryWatchReadyLine(request, process, events, out var ready))
        {
            process.Dispose();
            return;
        }

        process.Exited += (_, _) => OnExited(request.RunId, process, events);

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
                events.StartFailed(request.RunId, StartFailure(request.Program, plan.Executable, failure));
                return;
            }

            // Taken now: once the lock is released, an instant exit may dispose the process object at any moment.
            stdin = process.StandardInput;
            _runs[request.RunId] = new Run(process, CopyOutput(request, process, ready), ready);
            _guardian?.Add(process.Id);
            events.Started(request.RunId, process.Id);
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

    private static string StartFailure(ProgramSpec spec, string executable, Exception failure) => failure switch
    {
        Win32Exception { NativeErrorCode: 1 } when spec.User is not null =>
            $"cannot run as user '{spec.User}': krust-pm is not allowed to switch users (it must run as root)",
        _ when spec.User is not null => $"cannot start '{executable}' as user '{spec.User}': {failure.Message}",
        _ => $"cannot start '{executable}': {failure.Message}",
    };

    /// <summary>
    /// Makes the watcher of the run's ready line, when its program has one and output is read. A match is reported
    /// only after <see cref="IProcessEvents.Started"/> (the launch holds the process's lock until then) and never
    /// after <see cref="IProcessEvents.Exited"/> (<see cref="OnExited"/> stops the watcher first).
    /// </summary>
    /// <returns>Whether the run can start: not if the pattern is invalid (reported as a start failure).</returns>
    private bool TryWatchReadyLine(LaunchRequest request, Process process, IProcessEvents events, out ReadyLineWatcher? ready)
    {
        ready = null;
        if (_output is null || request.Program.ReadyLogLine is not { } pattern)
        {
            return true;
        }

        try
        {
            ready = new ReadyLineWatcher(pattern, line =>
            {
                lock (process)
                {
                    // Nothing: only waits for the start to be reported.
                }

                events.ReadyLineSeen(request.RunId, line);
            });
            return true;
        }
        catch (ArgumentException invalid)
        {
            events.StartFailed(request.RunId, $"ready_log_line is not a valid regular expression: {invalid.Message}");
            return false;
        }
    }

    /// <summary>Starts copying the run's stdout and stderr into its sinks, after the previous try's output.</summary>
    private Task CopyOutput(LaunchRequest request, Process process, ReadyLineWatcher? ready)
    {
        if (_output is null)
        {
            return Task.CompletedTask;
        }

        var spec = request.Program;
        var marker = $"--- krust-pm: {spec.Name}.{request.InstanceId} try {request.Try} started, pid {process.Id}, " +
            $"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} ---";
        var copies = new List<Task>(2);
        foreach (var kind in new[] { OutputKind.Stdout, OutputKind.Stderr })
        {
            var sink = spec.Log.Enabled ? _output.Sink(spec.Name, request.InstanceId, kind, spec.Log) : null;
            var pipe = kind == OutputKind.Stdout ? process.StandardOutput.BaseStream : process.StandardError.BaseStream;

            // Only the launch thread starts copies, so LastCopy is never raced.
            var copy = OutputCopy.RunAsync(pipe, sink, sink?.LastCopy ?? Task.CompletedTask, marker, ready, kind);
            if (sink is not null)
            {
                sink.LastCopy = copy;
            }

            copies.Add(copy);
        }

        return Task.WhenAll(copies);
    }

    private void OnExited(long runId, Process process, IProcessEvents events)
    {
        int exitCode;
        Run? run;
        lock (process)
        {
            exitCode = process.ExitCode;
            _runs.TryRemove(runId, out run);
        }

        // Whatever the leader left behind in its group belongs to a run that is over: no orphans. That also
        // closes the last writers of the output pipes, so the copies reach end of file.
        NativeMethods.Kill(-process.Id, Signals.Kill);
        _guardian?.Remove(process.Id);
        run?.Ready?.Stop(); // outside the process's lock: the watcher's callback takes it
        events.Exited(runId, exitCode);

        // The pipes belong to the process object: it is disposed only once its output is all copied.
        (run?.Output ?? Task.CompletedTask).ContinueWith(_ => process.Dispose(), TaskScheduler.Default);
    }

    private sealed record Run(Process Process, Task Output, ReadyLineWatcher? Ready);
}
