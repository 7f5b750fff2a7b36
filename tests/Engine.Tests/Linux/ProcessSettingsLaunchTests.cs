using System.Collections.Immutable;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// A program's umask, nice value and resource limits, launched through the real <see cref="LinuxProcessLauncher"/>,
/// as the kernel shows them for the running program (/proc/PID/status, /proc/PID/limits, /proc/PID/stat); nothing is
/// left running.
/// </summary>
public sealed class ProcessSettingsLaunchTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-settings-").FullName;
    private readonly LinuxProcessLauncher _launcher = new(LinuxProcessLauncherOptions.Default with { Guardian = false });
    private readonly LinuxProcessLauncher _fallback = new(LinuxProcessLauncherOptions.Default with { Guardian = false, UseProcessStart = true });
    private readonly RecordingEvents _events = new();

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var pid in _events.Pids)
            {
                Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
            }

            Assert.Equal(0, _launcher.LiveRuns);
            Assert.Equal(0, _fallback.LiveRuns);
        }
        finally
        {
            Cleanup.KillLeftovers(_events.Pids);
            _launcher.Dispose();
            _fallback.Dispose();
            await Cleanup.DeleteAsync(_folder);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_running_program_has_its_umask_nice_value_and_limits(bool fallback)
    {
        var launcher = fallback ? _fallback : _launcher;
        var settings = ProcessSettings.Default with
        {
            Umask = Convert.ToInt32("027", 8),
            Nice = 7,
            Limits = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
                new KeyValuePair<string, ResourceLimit>("nofile", new ResourceLimit(1000, 2000)),
                new KeyValuePair<string, ResourceLimit>("core", new ResourceLimit(0, 0)),
            ]),
        };
        var spec = new ProgramSpec("settings", "/bin/sleep 30", ["/bin/sleep", "30"]) { Process = settings, WorkingDirectory = _folder };

        launcher.Launch(new LaunchRequest(1, spec, InstanceId: 0, Try: 1), _events);
        Assert.Equal("started 1", await _events.NextAsync());
        var pid = _events.Pid!.Value;

        // The pid is the same through setsid and env (fallback), prlimit, the shell and setpriv (each execs in place): wait for sleep itself.
        Assert.True(await ProcFs.WaitUntilAsync(() => Read($"/proc/{pid}/comm").Trim() == "sleep", TimeSpan.FromSeconds(5)));
        Assert.Contains("Umask:\t0027", Read($"/proc/{pid}/status").Split('\n'));
        var stat = Read($"/proc/{pid}/stat");
        Assert.Equal("7", stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]); // field 19 of the whole line
        var limits = Read($"/proc/{pid}/limits").Split('\n');
        Assert.Matches(@"^Max open files\s+1000\s+2000\s+files\s*$", Assert.Single(limits, line => line.StartsWith("Max open files", StringComparison.Ordinal)));
        Assert.Matches(@"^Max core file size\s+0\s+0\s+bytes\s*$", Assert.Single(limits, line => line.StartsWith("Max core file size", StringComparison.Ordinal)));

        launcher.Signal(1, Signals.Terminate);
        Assert.Equal("exited 1: 143", await _events.NextAsync());
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty; // gone: the condition fails and the assertion says so
        }
    }
}
