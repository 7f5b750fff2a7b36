using System.Diagnostics;
using System.Text;

namespace KrustPm.Packaging.Tests;

/// <summary>What a finished process left: its exit code, its stdout and stderr interleaved, and how long it took.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"`{CommandLine}` exited {ExitCode} after {Elapsed.TotalSeconds:0.0} s:\n{Output}";
}

/// <summary>Runs a process to its end within a time limit; past it, the process and its children are killed and the test fails.</summary>
internal static class BoundedProcess
{
    public static async Task<ProcessResult> RunAsync(
        string file, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        SetEnvironment(info, environment);
        var commandLine = $"{Path.GetFileName(file)} {string.Join(' ', arguments)}";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);

        var clock = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close(); // nothing of ours to read: a command that asks gets end of file, never a hang
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await exited.Task.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{commandLine}` did not end within {timeout.TotalSeconds:0} s (killed, with its children). Output so far:\n{Read(output)}");
        }

        // The output ends once every writer has closed it; bounded, since a process left behind (a build server) could
        // hold it open. What was read by then is enough for a failure message.
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return new ProcessResult(commandLine, process.ExitCode, Read(output), clock.Elapsed);
    }

    public static void SetEnvironment(ProcessStartInfo info, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
