using System.Collections.Immutable;
using System.Runtime.Versioning;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// What posix_spawn, the one setpriv wrapper and the pidfd reaper must give every run, with the wrapper
/// (<see cref="LinuxProcessLauncherOptions.KillWithParent"/>, the default) and without it (the program is exec'd
/// directly). Each test bounds its waits and checks that nothing it started is left.
/// </summary>
public sealed class SpawnPathTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-spawn-").FullName;
    private readonly LinuxProcessLauncher _wrapped = new(LinuxProcessLauncherOptions.Default with { Guardian = false });
    private readonly LinuxProcessLauncher _direct = new(LinuxProcessLauncherOptions.Default with { Guardian = false, KillWithParent = false });
    private readonly RecordingEvents _events = new();

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var pid in _events.Pids)
            {
                Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
            }

            Assert.Equal(0, _wrapped.LiveRuns);
            Assert.Equal(0, _direct.LiveRuns);
        }
        finally
        {
            Cleanup.KillLeftovers(_events.Pids);
            _wrapped.Dispose();
            _direct.Dispose();
            await Cleanup.DeleteAsync(_folder);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_run_leads_its_own_session_and_group_as_soon_as_its_start_is_reported(bool wrapped)
    {
        Launch(wrapped, 1, "/bin/sleep", "30");
        Assert.Equal("started 1", await _events.NextAsync());
        var pid = _events.Pid!.Value;

        // No waiting: posix_spawn returns only once the child has called setsid and exec'd.
        Assert.Equal((pid, pid), ProcFs.Ids(pid));

        Launcher(wrapped).Signal(1, Signals.Terminate);
        Assert.Equal("exited 1: 143", await _events.NextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task No_signal_is_ignored_or_blocked_in_the_child(bool wrapped)
    {
        // .NET ignores SIGPIPE, and glibc's posix_spawn would leave its own two signals (32, 33) ignored.
        LaunchScript(wrapped, 2, "awk '/^Sig(Ign|Blk)/ && $2 != \"0000000000000000\" { bad = 1 } END { exit bad }' /proc/self/status");

        Assert.Equal("started 2", await _events.NextAsync());
        Assert.Equal("exited 2: 0", await _events.NextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Yes_piped_into_head_ends_quietly_because_SIGPIPE_is_at_its_default(bool wrapped)
    {
        // With SIGPIPE ignored, yes would get EPIPE and write "Broken pipe" to stderr.
        LaunchScript(wrapped, 3, "yes 2>yes.err | head -n 1 >/dev/null && test ! -s yes.err");

        Assert.Equal("started 3", await _events.NextAsync());
        Assert.Equal("exited 3: 0", await _events.NextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stdin_is_at_end_of_file(bool wrapped)
    {
        LaunchScript(wrapped, 4, "if read -r line; then exit 1; fi; test -z \"$line\"");

        Assert.Equal("started 4", await _events.NextAsync());
        Assert.Equal("exited 4: 0", await _events.NextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_working_directory_and_the_environment_apply(bool wrapped)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "work dir")).FullName;
        var spec = Spec($"test \"$(pwd)/$FOO\" = '{folder}/a b=c'") with
        {
            WorkingDirectory = folder,
            Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("FOO", "a b=c")]),
        };
        Launcher(wrapped).Launch(new LaunchRequest(5, spec, InstanceId: 0, Try: 1), _events);

        Assert.Equal("started 5", await _events.NextAsync());
        Assert.Equal("exited 5: 0", await _events.NextAsync());
    }

    [Theory]
    [InlineData(true, "exit 3", 3)]
    [InlineData(false, "exit 3", 3)]
    [InlineData(true, "kill -KILL $$", 137)]
    [InlineData(false, "kill -KILL $$", 137)]
    [InlineData(false, "kill -TERM $$", 143)]
    public async Task The_exit_code_is_the_programs_or_128_plus_the_signal_that_killed_it(bool wrapped, string script, int exitCode)
    {
        LaunchScript(wrapped, 6, script);

        Assert.Equal("started 6", await _events.NextAsync());
        Assert.Equal($"exited 6: {exitCode}", await _events.NextAsync());
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task A_file_the_kernel_cannot_execute_is_a_start_failure_that_says_why()
    {
        // Executable, but neither a binary nor a script with #!: execve fails with ENOEXEC, which posix_spawn returns.
        var file = Path.Combine(_folder, "not-a-program");
        await File.WriteAllTextAsync(file, "just text\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Launch(wrapped: false, 7, file);

        Assert.Equal($"failed 7: cannot start '{file}': Exec format error", await _events.NextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hundreds_of_runs_ending_together_are_all_reported_and_reaped(bool wrapped)
    {
        const int runs = 300;
        for (var run = 1; run <= runs; run++)
        {
            Launch(wrapped, run, "/bin/true");
        }

        var reports = new List<string>();
        for (var i = 0; i < 2 * runs; i++)
        {
            reports.Add(await _events.NextAsync());
        }

        Assert.Equal(runs, reports.Count(report => report.StartsWith("started ", StringComparison.Ordinal)));
        Assert.Equal([], reports.Where(report => !report.StartsWith("started ", StringComparison.Ordinal) && !(report.StartsWith("exited ", StringComparison.Ordinal) && report.EndsWith(": 0", StringComparison.Ordinal))).Take(5));
        Assert.Equal(runs, reports.Count(report => report.EndsWith(": 0", StringComparison.Ordinal) && report.StartsWith("exited ", StringComparison.Ordinal)));
        var pids = _events.Pids.ToHashSet();
        Assert.DoesNotContain(ProcFs.All(), p => p.Parent == Environment.ProcessId && pids.Contains(p.Pid)); // reaped: not even a zombie
    }

    private LinuxProcessLauncher Launcher(bool wrapped) => wrapped ? _wrapped : _direct;

    private ProgramSpec Spec(string script) => new("test", script, ["/bin/sh", "-c", script]) { WorkingDirectory = _folder };

    private void LaunchScript(bool wrapped, long runId, string script) =>
        Launcher(wrapped).Launch(new LaunchRequest(runId, Spec(script), InstanceId: 0, Try: 1), _events);

    private void Launch(bool wrapped, long runId, params string[] argv) =>
        Launcher(wrapped).Launch(
            new LaunchRequest(runId, new ProgramSpec("test", string.Join(' ', argv), [.. argv]) { WorkingDirectory = _folder }, InstanceId: 0, Try: 1),
            _events);
}
