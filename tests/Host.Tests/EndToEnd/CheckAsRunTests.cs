using System.Net;
using System.Net.Sockets;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm check</c> refuses what <c>run</c> refuses at start-up (short of starting programs), warns about what
/// may change before start (a missing user or executable, a busy address), and keeps its output readable.
/// </summary>
public sealed class CheckAsRunTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-check-run-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("/dev/null", "is not a directory")]
    [InlineData("/proc/1", "cannot be written")]
    [InlineData("/sys", "cannot be written")]
    public async Task Check_refuses_a_log_dir_that_run_refuses(string logDir, string reason)
    {
        var path = await WriteAsync($"""
            server-port = "127.0.0.1:4999"
            log_dir = "{logDir}"
            [web]
            command = "sleep 1"
            """);

        var (checkExit, check) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");
        var (runExit, run) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);

        Assert.Equal(2, checkExit);
        Assert.Contains($"krust-pm: {path}: log_dir {logDir} {reason}", check, StringComparison.Ordinal);
        Assert.EndsWith("; the configuration is not valid.\n", check, StringComparison.Ordinal);
        Assert.Equal(2, runExit);
        Assert.Contains($"krust-pm: {path}: log_dir {logDir} {reason}", run, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was started.\n", run, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/proc/nope/{program}.log", "/proc/nope", "cannot be created")]
    [InlineData("/dev/null/web.log", "/dev/null", "is not a directory")]
    [InlineData("/sys/{program}/{id}.log", "/sys", "cannot be written")]
    public async Task A_log_file_whose_folder_cannot_be_kept_is_refused_by_check_and_run_and_nothing_starts(string stdoutLog, string folder, string reason)
    {
        var path = await WriteAsync($$"""
            server-port = "127.0.0.1:4999"
            [web]
            command = "sleep 300"
            stdout_log = "{{stdoutLog}}"
            """);

        var (checkExit, check) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");
        var (runExit, run) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);

        var expected = $"krust-pm: {path}: program 'web': stdout_log {stdoutLog}: its folder {folder} {reason}";
        Assert.Equal(2, checkExit);
        Assert.Contains(expected, check, StringComparison.Ordinal);
        Assert.Equal(2, runExit);
        Assert.Contains(expected, run, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was started.\n", run, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_whose_controllers_cgroup_v2_does_not_offer_here_are_refused_by_check_and_run_naming_them_and_nothing_starts()
    {
        var own = KrustPm.Engine.Linux.CgroupTree.Probe(null, out var unusable);
        Assert.SkipWhen(own is null, $"no writable cgroup v2 here: {unusable}");
        Assert.SkipWhen(KrustPm.Engine.Linux.CgroupTree.ControllerProblem(own!, ["memory", "pids"]) is null, "this machine's cgroup v2 offers memory and pids: the limits would be enforced");
        await WriteAsync("""
            server-port = "127.0.0.1:4999"
            cgroup = "auto"
            [hog]
            command = "sleep 301"
            memory_max = "64M"
            pids_max = 10
            """);

        var (checkExit, check) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");
        var (runExit, run) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);

        var expected = $"the limits of program 'hog' (memory_max, pids_max) cannot be enforced: the memory and pids controllers of cgroup v2 are not available in {own}";
        Assert.Equal((2, 2), (checkExit, runExit));
        Assert.Contains(expected, check, StringComparison.Ordinal);
        Assert.Contains(expected, run, StringComparison.Ordinal);
        Assert.Contains("Delegate=yes", run, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was started.\n", run, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateDirectories(own!), d => d.Contains(KrustPm.Engine.Linux.CgroupTree.NameFor(Path.Combine(_folder, "krust-pm.toml")), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_log_file_in_a_folder_that_can_be_created_is_valid_and_check_creates_nothing()
    {
        await WriteAsync("""
            server-port = "127.0.0.1:4999"
            [web]
            command = "sleep 1"
            stdout_log = "var/{program}/out.log"
            """);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.True(exitCode == 0, output);
        Assert.False(Directory.Exists(Path.Combine(_folder, "var")));
    }

    [Fact]
    public async Task Check_of_a_missing_log_dir_that_can_be_created_is_valid_and_creates_nothing()
    {
        await WriteAsync("""
            server-port = "127.0.0.1:4999"
            log_dir = "var/logs"
            [web]
            command = "sleep 1"
            """);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.True(exitCode == 0, output);
        Assert.False(Directory.Exists(Path.Combine(_folder, "var")));
    }

    [Fact]
    public async Task Check_refuses_a_NUL_character_in_a_command_at_its_line()
    {
        var path = await WriteAsync("server-port = \"127.0.0.1:4999\"\n[web]\ncommand = \"sleep\\u00001\"\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.Equal(2, exitCode);
        Assert.Contains($"krust-pm: {path}:3: program 'web': key 'command': contains a NUL character", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_user_and_a_missing_executable_are_warnings_exit_0_unless_strict()
    {
        var path = await WriteAsync("""
            server-port = "127.0.0.1:4999"
            [web]
            command = "krust-no-such-program --serve"
            [worker]
            command = "sleep 1"
            user = "krust-no-such-user"
            """);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");
        var (strictExit, strict) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check", "--strict");

        Assert.True(exitCode == 0, output);
        Assert.Contains(
            $"krust-pm: {path}:3: program 'web': warning: key 'command': command not found: 'krust-no-such-program' is not an executable file in PATH",
            output,
            StringComparison.Ordinal);
        Assert.Contains(
            $"krust-pm: {path}:6: program 'worker': warning: key 'user': cannot run as user 'krust-no-such-user': no such user",
            output,
            StringComparison.Ordinal);
        Assert.Contains($"{path}: valid, with 2 warning(s); 2 program(s): web (1), worker (1); API on 127.0.0.1:4999", output, StringComparison.Ordinal);
        Assert.Equal(2, strictExit);
        Assert.Contains("krust-pm: 2 warning(s) with --strict; the configuration is not valid.", strict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_address_is_a_warning()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var path = await WriteAsync($"server-port = \"127.0.0.1:{port}\"\n[web]\ncommand = \"sleep 1\"\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");
        var (strictExit, _) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check", "--strict");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"krust-pm: {path}: warning: key 'server-port': cannot listen on 127.0.0.1:{port} now: address already in use", output, StringComparison.Ordinal);
        Assert.Equal(2, strictExit);
    }

    [Fact]
    public async Task An_unresolvable_host_name_is_refused_by_check_and_run_in_one_line()
    {
        var path = await WriteAsync("""
            server-port = "krust-no-such-host.invalid:4999"
            auth_token = "0123456789abcdef0123"
            [web]
            command = "touch started"
            """);

        var (checkExit, check) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");
        var (runExit, run) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder);

        Assert.Equal(2, checkExit);
        Assert.Contains($"krust-pm: {path}: server-port krust-no-such-host.invalid:4999: cannot resolve the host name", check, StringComparison.Ordinal);
        Assert.Equal(2, runExit);
        Assert.Contains($"krust-pm: {path}: server-port krust-no-such-host.invalid:4999: cannot resolve the host name", run, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "started")));
    }

    [Fact]
    public async Task Past_50_problems_the_rest_are_counted_not_printed()
    {
        var keys = string.Concat(Enumerable.Range(0, 120).Select(i => $"unknown_{i} = 1\n"));
        var path = await WriteAsync($"[web]\ncommand = \"sleep 1\"\n{keys}");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, exitCode);
        Assert.Equal(52, lines.Length);
        Assert.All(lines[..50], line => Assert.StartsWith($"krust-pm: {path}:", line, StringComparison.Ordinal));
        Assert.Equal("krust-pm: ... and 70 more problem(s) not shown", lines[50]);
        Assert.Equal("krust-pm: 120 problem(s) in the configuration; the configuration is not valid.", lines[51]);
    }

    private async Task<string> WriteAsync(string toml)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, toml, Token);
        return path;
    }
}
