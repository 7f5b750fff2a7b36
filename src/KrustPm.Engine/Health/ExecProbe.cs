using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Health;

/// <summary>
/// An exec probe: runs the command directly (no shell), passing on exit code 0. It is started as
/// <c>setsid env --default-signal COMMAND...</c> (each execs in place, so its pid leads its own session and process
/// group): on timeout, and after it exits, the whole group is killed, so nothing it started outlives it. It runs in
/// krust-pm's working directory and environment (a probe request does not carry the program's). The runtime reaps it.
/// </summary>
internal static class ExecProbe
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string EnvPath = "/usr/bin/env";

    /// <summary>How much of the output goes into the outcome's detail.</summary>
    private const int DetailChars = 200;

    /// <summary>How much of each stream is kept (the rest is read and discarded, so the probe never blocks on a full pipe).</summary>
    private const int KeptBytes = 1024;

    /// <summary>
    /// How long to wait for what follows the probe's end: its death after SIGKILL, or the rest of its output (a pipe
    /// held by a grandchild just killed).
    /// </summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(100);

    /// <param name="argv">The command, already split.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="program">The program probed: the probe runs in its working directory, with its environment.</param>
    public static async Task<ProbeVerdict> RunAsync(ImmutableArray<string> argv, TimeSpan timeout, ProgramSpec? program = null)
    {
        var workingDirectory = program?.WorkingDirectory ?? Environment.CurrentDirectory;
        var info = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        if (program is not null)
        {
            if (program.ClearEnvironment)
            {
                info.Environment.Clear();
            }

            foreach (var (name, value) in program.Environment)
            {
                info.Environment[name] = value;
            }
        }

        info.Environment.TryGetValue("PATH", out var searchPath);
        if (!Directory.Exists(workingDirectory))
        {
            return ProbeVerdict.Fail($"cannot start: working directory does not exist: '{workingDirectory}'");
        }

        if (!ExecutableLookup.TryResolve(argv[0], workingDirectory, searchPath, out var executable, out var error))
        {
            return ProbeVerdict.Fail($"cannot start: {error}");
        }

        // Default signal dispositions (.NET leaves SIGPIPE ignored in children); env would read a path containing '='
        // as a variable assignment.
        if (!executable.Contains('=', StringComparison.Ordinal))
        {
            info.ArgumentList.Add(EnvPath);
            info.ArgumentList.Add("--default-signal");
        }

        info.ArgumentList.Add(executable);
        foreach (var argument in argv.AsSpan()[1..])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        try
        {
            process.Start();
        }
        catch (Exception failure) when (failure is Win32Exception or InvalidOperationException or IOException)
        {
            return ProbeVerdict.Fail($"cannot start: {failure.Message}");
        }

        var pid = process.Id;
        var stdout = KeepStartAsync(process.StandardOutput.BaseStream);
        var stderr = KeepStartAsync(process.StandardError.BaseStream);
        CloseQuietly(process.StandardInput); // an empty stdin, never krust-pm's own

        if (!await ProbeRunner.WithinAsync(exited.Task, timeout).ConfigureAwait(false))
        {
            // Reported once it is gone (SIGKILL takes a moment): the process object is disposed only after that.
            KillGroup(pid, process);
            await ProbeRunner.WithinAsync(exited.Task, Grace).ConfigureAwait(false);
            return ProbeVerdict.Fail(ProbeRunner.TimedOut(timeout));
        }

        // Whatever the probe left running in its group goes with it; that also closes the last writers of its pipes.
        // Only the group: the probe's own pid is reaped, and may already be another process's.
        NativeMethods.Kill(-pid, Signals.Kill);
        var exitCode = process.ExitCode;
        await ProbeRunner.WithinAsync(Task.WhenAll(stdout, stderr), Grace).ConfigureAwait(false);
        var text = OneLine(Text(stdout), Text(stderr));
        var detail = text.Length == 0 ? $"exit code {exitCode}" : $"exit code {exitCode}: {text}";
        return exitCode == 0 ? ProbeVerdict.Pass(detail) : ProbeVerdict.Fail(detail);
    }

    /// <summary>
    /// Kills the process group led by <paramref name="pid"/>; right after the start, before setsid made the group, the
    /// process alone (through <see cref="Process.Kill()"/>, which does nothing to a process the runtime has reaped).
    /// </summary>
    private static void KillGroup(int pid, Process process)
    {
        if (NativeMethods.Kill(-pid, Signals.Kill) == 0 || Marshal.GetLastPInvokeError() != NativeMethods.Esrch)
        {
            return;
        }

        try
        {
            process.Kill();
        }
        catch (Exception error) when (error is InvalidOperationException or Win32Exception)
        {
            // It has exited meanwhile.
        }
    }

    /// <summary>Reads a pipe to its end, keeping its first <see cref="KeptBytes"/> bytes.</summary>
    private static async Task<byte[]> KeepStartAsync(Stream pipe)
    {
        var kept = new byte[KeptBytes];
        var count = 0;
        var discard = new byte[4096];
        try
        {
            while (true)
            {
                var read = count < kept.Length
                    ? await pipe.ReadAsync(kept.AsMemory(count)).ConfigureAwait(false)
                    : await pipe.ReadAsync(discard).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                count = Math.Min(kept.Length, count + read);
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // The pipe broke or the process object is gone: keep what came.
        }

        return kept[..count];
    }

    private static string Text(Task<byte[]> output) =>
        output.IsCompletedSuccessfully ? Encoding.UTF8.GetString(output.Result) : string.Empty;

    /// <summary>stdout then stderr on one line: control characters and runs of spaces made one space, cut at <see cref="DetailChars"/>.</summary>
    internal static string OneLine(string stdout, string stderr)
    {
        var text = string.Create(stdout.Length + 1 + stderr.Length, (stdout, stderr), static (span, parts) =>
        {
            parts.stdout.CopyTo(span);
            span[parts.stdout.Length] = ' ';
            parts.stderr.CopyTo(span[(parts.stdout.Length + 1)..]);
            foreach (ref var c in span)
            {
                c = char.IsControl(c) ? ' ' : c;
            }
        });
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= DetailChars)
        {
            return line;
        }

        var cut = char.IsHighSurrogate(line[DetailChars - 2]) ? DetailChars - 2 : DetailChars - 1;
        return string.Concat(line.AsSpan(0, cut), "…");
    }

    private static void CloseQuietly(StreamWriter stdin)
    {
        try
        {
            stdin.Close();
        }
        catch (IOException)
        {
            // The probe already exited and closed its end.
        }
    }
}
