using System.Collections.Immutable;
using System.Text;
using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Health;

/// <summary>
/// An exec probe: runs the command directly (no shell), passing on exit code 0. It is started as the program's
/// runs are (<see cref="ShortRun"/>: its own session and process group, default signals, stdin at end of file), in
/// the program's working directory with the program's environment (less krust-pm's withheld variables), as
/// krust-pm's own user. On timeout, and after it exits, its whole group is killed, so nothing it started outlives it;
/// its pipes are closed before it reports.
/// </summary>
internal static class ExecProbe
{
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
    /// <param name="options">How programs are started (which of krust-pm's variables they do not inherit).</param>
    public static async Task<ProbeVerdict> RunAsync(ImmutableArray<string> argv, TimeSpan timeout, ProgramSpec? program, LinuxProcessLauncherOptions options)
    {
        // The program's directory and environment, krust-pm's user: the probe is krust-pm checking on the program.
        var spec = (program ?? new ProgramSpec("probe", string.Join(' ', argv), argv)) with { Argv = argv, User = null };
        if (!LaunchPlan.TryCreate(spec, options, out var plan, out var error))
        {
            return ProbeVerdict.Fail($"cannot start: {error}");
        }

        var start = await ShortRun.StartAsync(plan, options).ConfigureAwait(false);
        if (start.Run is not { } run)
        {
            return start.Shortage ? ProbeVerdict.Skip($"not run: {start.Error}") : ProbeVerdict.Fail($"cannot start: {start.Error}");
        }

        await using var closing = run.ConfigureAwait(false);
        var stdout = KeepStartAsync(run.Stdout);
        var stderr = KeepStartAsync(run.Stderr);
        if (!await ProbeRunner.WithinAsync(run.Exited, timeout).ConfigureAwait(false))
        {
            // Reported once it is gone (SIGKILL takes a moment).
            run.Kill();
            await ProbeRunner.WithinAsync(run.Exited, Grace).ConfigureAwait(false);
            return ProbeVerdict.Fail(ProbeRunner.TimedOut(timeout));
        }

        var exitCode = await run.Exited.ConfigureAwait(false);
        await ProbeRunner.WithinAsync(Task.WhenAll(stdout, stderr), Grace).ConfigureAwait(false);
        var text = OneLine(Text(stdout), Text(stderr));
        var detail = text.Length == 0 ? $"exit code {exitCode}" : $"exit code {exitCode}: {text}";
        return exitCode == 0 ? ProbeVerdict.Pass(detail) : ProbeVerdict.Fail(detail);
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
}
