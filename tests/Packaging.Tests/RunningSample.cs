using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using KrustPm.Tests.Shared;

namespace KrustPm.Packaging.Tests;

/// <summary>
/// The embedding sample running as a real process, its output line by line. Disposing it makes sure that neither it
/// nor any process it started is left, whatever happened in the test.
/// </summary>
internal sealed partial class RunningSample : IAsyncDisposable
{
    public const int SigInt = 2;
    private const int SigKill = 9;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly HashSet<int> _children = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _lineSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningSample(ProcessStartInfo info)
    {
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data is null ? null : "stderr: " + e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _exited.Task.IsCompleted;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Every child of the sample seen so far (its instances and the launcher's guardian).</summary>
    public IReadOnlyCollection<int> Children
    {
        get
        {
            lock (_children)
            {
                return [.. _children];
            }
        }
    }

    /// <summary>
    /// Starts the sample's executable. A shell that is not interactive starts background jobs with SIGINT ignored,
    /// and an ignored signal stays ignored across exec: <c>env --default-signal=INT</c> gives the sample SIGINT as a
    /// terminal would, whoever started the tests.
    /// </summary>
    public static RunningSample Start(string executable, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("/usr/bin/env")
        {
            ArgumentList = { "--default-signal=INT", executable },
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        BoundedProcess.SetEnvironment(info, environment);
        return new RunningSample(info);
    }

    /// <summary>Waits (bounded) for an output line matching <paramref name="pattern"/>; fails if the sample exits first.</summary>
    public async Task<Match> WaitForLineAsync([StringSyntax(StringSyntaxAttribute.Regex)] string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            Task next;
            lock (_lines)
            {
                next = _lineSignal.Task;
                foreach (var line in _lines)
                {
                    if (regex.Match(line) is { Success: true } match)
                    {
                        return match;
                    }
                }
            }

            if (HasExited)
            {
                Assert.Fail($"the sample exited ({_process.ExitCode}) before printing a line like /{pattern}/:\n{Output}");
            }

            try
            {
                await Task.WhenAny(next, _exited.Task).WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no line like /{pattern}/ within {timeout.TotalSeconds:0} s; the sample printed:\n{Output}");
            }
        }
    }

    /// <summary>Notes the sample's current children, to check later that none outlives it.</summary>
    public void RememberChildren()
    {
        var children = ProcFs.ChildrenOf(_process.Id).Select(c => c.Pid);
        lock (_children)
        {
            _children.UnionWith(children);
        }
    }

    /// <summary>Sends a signal to the sample, and waits (bounded) for it to exit; returns its exit code.</summary>
    public async Task<int> SignalAndWaitAsync(int signal, TimeSpan timeout)
    {
        Assert.Equal(0, Kill(_process.Id, signal));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _exited.Task.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the sample did not exit within {timeout.TotalSeconds:0} s of signal {signal}:\n{Output}");
        }

        // Exited comes when the process is reaped, maybe before its last lines are read: read to the end (bounded).
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // Something holds the sample's stdout open: the checks of the output will say what is missing.
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            RememberChildren();
            _process.Kill(entireProcessTree: true);
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // Each child leads its own process group: kill the groups, so grandchildren go too.
        foreach (var child in Children.Where(ProcFs.IsAlive))
        {
            Kill(-child, SigKill);
            Kill(child, SigKill);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource signal;
        lock (_lines)
        {
            _lines.Add(line);
            signal = _lineSignal;
            _lineSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
