using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Health;

/// <summary>Exec probes running real commands: exit codes, output in the detail, and a timeout that leaves nothing behind.</summary>
public sealed class ExecProbeTests
{
    [Fact]
    public async Task Exit_code_zero_passes_with_the_output_on_one_line()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(ProbeHarness.Exec("/bin/sh", "-c", "echo accepting; echo connections"));

        Assert.True(outcome.Passed);
        Assert.Equal("exit code 0: accepting connections", outcome.Detail);
    }

    [Fact]
    public async Task A_non_zero_exit_fails_with_its_code_and_the_start_of_its_output()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(ProbeHarness.Exec(
            "/bin/sh", "-c", "echo 'no response'; printf 'x%.0s' $(seq 1 500) >&2; exit 2"));

        Assert.False(outcome.Passed);
        Assert.StartsWith("exit code 2: no response xxx", outcome.Detail, StringComparison.Ordinal);
        Assert.EndsWith("…", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(200, outcome.Detail.Length - "exit code 2: ".Length);
    }

    [Fact]
    public async Task It_runs_as_its_instance_with_placeholders_expanded_and_the_instance_variables_set()
    {
        var program = new ProgramSpec("web", "serve", ["serve"]) { PortBase = 8000 };

        var (outcome, _) = await ProbeHarness.RunAsync(
            ProbeHarness.Exec("/bin/sh", "-c", "echo \"{program} {id} {index} {port} $PORT $KRUST_PM_INSTANCE $KRUST_PM_INDEX\"; exit 1"),
            program,
            instance: 3,
            index: 1);

        Assert.Equal("exit code 1: web 3 1 8001 8001 3 1", outcome.Detail);
    }

    [Fact]
    public async Task It_runs_in_the_programs_working_directory_with_its_environment()
    {
        var folder = Directory.CreateTempSubdirectory("krust-probe-cwd-").FullName;
        try
        {
            var plain = new ProgramSpec("web", "sleep 1", ["sleep", "1"]);
            var program = plain with { WorkingDirectory = folder, Environment = plain.Environment.Add("PROBE_MARK", "from-the-program") };

            var (outcome, _) = await ProbeHarness.RunAsync(ProbeHarness.Exec("/bin/sh", "-c", "echo \"$(pwd) $PROBE_MARK\"; exit 1"), program);

            Assert.Equal($"exit code 1: {folder} from-the-program", outcome.Detail);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task It_does_not_inherit_krust_pms_own_secrets_unless_the_programs_env_sets_them()
    {
        Environment.SetEnvironmentVariable("KRUST_TEST_PROBE_SECRET", "the-api-token");
        var options = LinuxProcessLauncherOptions.Default with { WithheldEnvironment = ["KRUST_TEST_PROBE_SECRET"] };
        var show = ProbeHarness.Exec("/bin/sh", "-c", "echo \"[${KRUST_TEST_PROBE_SECRET-unset}]\"");
        var plain = new ProgramSpec("web", "sleep 1", ["sleep", "1"]);

        var (withheld, _) = await ProbeHarness.RunAsync(show, plain, options);
        var (given, _) = await ProbeHarness.RunAsync(show, plain with { Environment = plain.Environment.Add("KRUST_TEST_PROBE_SECRET", "its-own") }, options);

        Assert.Equal("exit code 0: [unset]", withheld.Detail);
        Assert.Equal("exit code 0: [its-own]", given.Detail);
    }

    [Fact]
    public async Task A_command_that_does_not_exist_cannot_start()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(ProbeHarness.Exec("/no/such/probe", "now"));

        Assert.False(outcome.Passed);
        Assert.Equal("cannot start: no such file: '/no/such/probe'", outcome.Detail);
    }

    [Fact]
    public async Task A_probe_past_its_timeout_is_killed_with_everything_it_started()
    {
        // The probe writes down its shell's pid and its sleeps' (a unique duration names them among every process of
        // the machine), so the test needs not catch them alive; a timeout of 2 s leaves it time to, even on a busy machine.
        const string marker = "5.0917";
        var folder = Directory.CreateTempSubdirectory("krust-exec-probe-").FullName;
        var pidFile = Path.Combine(folder, "pids");
        var probe = ProbeHarness.Exec("/bin/sh", "-c", $"echo $$ > {pidFile}.sh; sleep {marker} & echo $! >> {pidFile}; sleep {marker} & echo $! >> {pidFile}; wait")
            with { Timeout = TimeSpan.FromSeconds(2) };

        var (outcome, elapsed) = await ProbeHarness.RunAsync(probe);

        Assert.False(outcome.Passed);
        Assert.Equal("timed out after 2000 ms", outcome.Detail);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(1_900), $"reported after {elapsed.TotalMilliseconds} ms"); // timers may fire a little early, never much
        var sleeps = File.ReadAllLines(pidFile).Select(int.Parse).ToList();
        var shell = int.Parse(File.ReadAllText(pidFile + ".sh").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2, sleeps.Count);

        // The sleeps are gone; the shell, krust-pm's own child, is not even a zombie (the runtime reaped it).
        Assert.True(await ProcFs.WaitUntilAsync(() => !sleeps.Any(ProcFs.IsAlive) && ProcFs.Ids(shell) is null, TimeSpan.FromSeconds(10)),
            $"left: {string.Join(", ", sleeps.Append(shell).Where(pid => ProcFs.Ids(pid) is not null))}");
        Assert.Empty(With(marker, "sleep"));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task What_a_passing_probe_left_in_the_background_is_killed_when_it_exits()
    {
        // The sleep holds the output pipe for ten minutes: a runner that waited for the pipe to close would never
        // report within the harness's bound.
        const string marker = "600.0917";
        var (outcome, _) = await ProbeHarness.RunAsync(ProbeHarness.Exec("/bin/sh", "-c", $"sleep {marker} & echo ok"));

        Assert.Equal((true, "exit code 0: ok"), (outcome.Passed, outcome.Detail));
        Assert.True(await ProcFs.WaitUntilAsync(() => !With(marker, "sleep").Any(), TimeSpan.FromSeconds(2)));
    }

    /// <summary>Processes named <paramref name="name"/> with <paramref name="marker"/> in their command line.</summary>
    private static IEnumerable<ProcFs.Entry> With(string marker, string name) =>
        ProcFs.All().Where(p => p.IsLive && p.Name == name && CommandLine(p.Pid).Contains(marker, StringComparison.Ordinal));

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
