using System.Collections.Immutable;
using KrustPm.Engine.Linux;

using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>The real launcher against real, short-lived processes. Each test bounds its time and checks that
/// nothing it started is left. <see cref="ProcessStartFallbackTests"/> runs them all on the fallback path too.</summary>
public class LinuxProcessLauncherTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-launcher-").FullName;
    private readonly LinuxProcessLauncher _launcher;
    private readonly RecordingEvents _events = new();

    public LinuxProcessLauncherTests()
        : this(LinuxProcessLauncherOptions.Default)
    {
    }

    /// <summary>A variable of this process's that the launcher withholds, as the host withholds krust-pm's token.</summary>
    private const string Secret = "KRUST_TEST_OWN_SECRET";

    protected LinuxProcessLauncherTests(LinuxProcessLauncherOptions options) =>
        _launcher = new(options with { WithheldEnvironment = [Secret] });

    /// <summary>After every test: every run started has left no process behind (each run is its own session).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var pid in _events.Pids)
        {
            Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
        }

        Assert.Equal(0, _launcher.LiveRuns);
        _launcher.Dispose();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_program_that_exits_reports_started_then_its_exit_code()
    {
        Launch(1, "/bin/sh", "-c", "exit 3");

        Assert.Equal("started 1", await _events.NextAsync());
        Assert.Equal("exited 1: 3", await _events.NextAsync());
        Assert.Equal(0, _launcher.LiveRuns);
    }

    [Fact]
    public async Task A_missing_command_is_a_start_failure_that_names_the_file()
    {
        Launch(2, "./no-such-program");

        Assert.Equal($"failed 2: no such file: '{_folder}/no-such-program'", await _events.NextAsync());
    }

    [Fact]
    public async Task A_command_not_in_PATH_is_a_start_failure()
    {
        Launch(3, "krust-no-such-command-anywhere");

        Assert.StartsWith("failed 3: command not found: 'krust-no-such-command-anywhere'", await _events.NextAsync());
    }

    [Fact]
    public async Task A_file_without_execute_permission_is_a_start_failure()
    {
        var script = Path.Combine(_folder, "not-executable.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nexit 0\n", TestContext.Current.CancellationToken);

        Launch(4, "./not-executable.sh");

        Assert.Equal($"failed 4: permission denied: '{script}' is not executable", await _events.NextAsync());
    }

    [Fact]
    public async Task Each_run_leads_its_own_session_and_group_with_the_pid_it_reported()
    {
        Launch(5, "/bin/sleep", "30");
        Assert.Equal("started 5", await _events.NextAsync());
        var pid = _events.Pid!.Value;

        await WaitForAsync(() => ProcFs.Ids(pid)?.Session == pid);
        Assert.Equal((pid, pid), ProcFs.Ids(pid));

        _launcher.Signal(5, Signals.Terminate);
        Assert.Equal("exited 5: 143", await _events.NextAsync());
    }

    [Fact]
    public async Task A_signal_reaches_the_whole_process_tree_and_nothing_is_left()
    {
        Launch(6, "/bin/sh", "-c", "sleep 300 & sleep 300 & wait");
        Assert.Equal("started 6", await _events.NextAsync());
        var pid = _events.Pid!.Value;
        await WaitForAsync(() => ProcFs.InSession(pid).Count >= 3);

        _launcher.Signal(6, Signals.Terminate);

        Assert.StartsWith("exited 6: ", await _events.NextAsync());
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Children_left_behind_by_an_exited_leader_are_killed()
    {
        Launch(7, "/bin/sh", "-c", "sleep 300 & exit 0");
        Assert.Equal("started 7", await _events.NextAsync());
        var pid = _events.Pid!.Value;

        Assert.Equal("exited 7: 0", await _events.NextAsync());
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Children_start_with_default_signal_dispositions()
    {
        // .NET ignores SIGPIPE and a plain child would inherit that; `yes | head` must not see EPIPE errors.
        Launch(8, "/bin/sh", "-c", "awk '/^SigIgn/ { exit ($2 == \"0000000000000000\") ? 0 : 1 }' /proc/self/status");

        Assert.Equal("started 8", await _events.NextAsync());
        Assert.Equal("exited 8: 0", await _events.NextAsync());
    }

    [Fact]
    public async Task Programs_run_in_their_working_directory()
    {
        Launch(9, "/bin/sh", "-c", $"test \"$(pwd)\" = '{_folder}'");

        Assert.Equal("started 9", await _events.NextAsync());
        Assert.Equal("exited 9: 0", await _events.NextAsync());
    }

    [Fact]
    public void Signalling_a_run_that_ended_or_never_existed_is_not_an_error() =>
        _launcher.Signal(12345, Signals.Terminate);

    [Fact]
    public async Task Environment_variables_are_added_to_the_inherited_environment()
    {
        Environment.SetEnvironmentVariable("KRUST_TEST_INHERITED", "yes");
        LaunchSpec(10, Spec("test \"$KRUST_TEST_INHERITED/$FOO/$BAR\" = 'yes/bar/a b'") with
        {
            Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new("FOO", "bar"), new KeyValuePair<string, string>("BAR", "a b")]),
        });

        Assert.Equal("started 10", await _events.NextAsync());
        Assert.Equal("exited 10: 0", await _events.NextAsync());
    }

    [Fact]
    public async Task A_cleared_environment_holds_only_the_programs_variables()
    {
        Environment.SetEnvironmentVariable("KRUST_TEST_INHERITED", "yes");
        LaunchSpec(11, Spec("test -z \"$KRUST_TEST_INHERITED$HOME\" && test \"$ONLY\" = 1") with
        {
            ClearEnvironment = true,
            Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("ONLY", "1")]),
        });

        Assert.Equal("started 11", await _events.NextAsync());
        Assert.Equal("exited 11: 0", await _events.NextAsync());
    }

    [Fact]
    public async Task Krust_pms_own_secrets_are_not_inherited_but_a_program_that_sets_one_in_its_env_gets_its_value()
    {
        Environment.SetEnvironmentVariable(Secret, "the-api-token");
        Environment.SetEnvironmentVariable("KRUST_TEST_INHERITED", "yes");
        var plain = Path.Combine(_folder, "plain.env");
        var explicitly = Path.Combine(_folder, "explicit.env");

        LaunchSpec(15, Spec($"env > '{plain}'"));
        LaunchSpec(16, Spec($"env > '{explicitly}'") with
        {
            Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>(Secret, "its-own")]),
        });

        Assert.Equal(["exited 15: 0", "exited 16: 0", "started 15", "started 16"], (await NextEventsAsync(4)).Order());
        var plainVariables = await File.ReadAllLinesAsync(plain, TestContext.Current.CancellationToken);
        Assert.Contains("KRUST_TEST_INHERITED=yes", plainVariables);
        Assert.DoesNotContain(plainVariables, line => line.StartsWith(Secret + "=", StringComparison.Ordinal));
        Assert.Contains($"{Secret}=its-own", await File.ReadAllLinesAsync(explicitly, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_program_run_as_another_user_does_not_inherit_krust_pms_secrets_either()
    {
        Assert.SkipUnless(UserAccounts.EffectiveUid == 0, "switching users needs root; this test runs as uid " + UserAccounts.EffectiveUid);
        Environment.SetEnvironmentVariable(Secret, "the-api-token");

        LaunchSpec(17, Spec($"test -z \"${{{Secret}+set}}\" && test \"$(id -un)\" = nobody") with { User = "nobody", WorkingDirectory = "/" });

        Assert.Equal("started 17", await _events.NextAsync());
        Assert.Equal("exited 17: 0", await _events.NextAsync());
    }

    [Fact]
    public async Task A_program_runs_as_another_user_with_that_users_groups_HOME_USER_and_LOGNAME_and_no_capabilities()
    {
        Assert.SkipUnless(UserAccounts.EffectiveUid == 0, "switching users needs root; this test runs as uid " + UserAccounts.EffectiveUid);
        var nobody = UserAccounts.Find("nobody")!;

        LaunchSpec(12, Spec(
            $"test \"$(id -u)/$(id -g)/$USER/$LOGNAME/$HOME\" = '{nobody.Uid}/{nobody.Gid}/nobody/nobody/{nobody.Home}' && " +
            "test \"$(id -G)\" = \"$(id -G nobody)\" && grep -q '^CapEff:[[:space:]]*0*$' /proc/self/status") with
        {
            User = "nobody",
            WorkingDirectory = "/",
        });

        Assert.Equal("started 12", await _events.NextAsync());
        Assert.Equal("exited 12: 0", await _events.NextAsync());
    }

    [Fact]
    public async Task An_unknown_user_is_a_start_failure_that_says_so()
    {
        LaunchSpec(13, Spec("exit 0") with { User = "krust-no-such-user" });

        Assert.Equal("failed 13: cannot run as user 'krust-no-such-user': no such user", await _events.NextAsync());
    }

    [Fact]
    public async Task The_guardian_kills_listed_process_trees_when_krust_pm_goes_away()
    {
        Launch(14, "/bin/sh", "-c", "sleep 300 & sleep 300 & wait");
        Assert.Equal("started 14", await _events.NextAsync());
        var pid = _events.Pid!.Value;
        await WaitForAsync(() => ProcFs.InSession(pid).Count >= 3);

        // What happens when krust-pm dies: its end of the guardian's pipe closes.
        _launcher.Dispose();

        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
        Assert.StartsWith("exited 14: ", await _events.NextAsync());
    }

    private static ProgramSpec Spec(string script) => new("test", script, ["/bin/sh", "-c", script]);

    private void Launch(long runId, params string[] argv) =>
        LaunchSpec(runId, new ProgramSpec("test", string.Join(' ', argv), [.. argv]));

    private void LaunchSpec(long runId, ProgramSpec spec) =>
        _launcher.Launch(new LaunchRequest(runId, spec with { WorkingDirectory = spec.WorkingDirectory ?? _folder }, InstanceId: 0, Try: 1), _events);

    private async Task<List<string>> NextEventsAsync(int count)
    {
        var events = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            events.Add(await _events.NextAsync());
        }

        return events;
    }

    private static Task WaitForAsync(Func<bool> condition) => Eventually.Assert(condition, "the process reaches the expected state");
}
