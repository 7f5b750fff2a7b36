namespace KrustPm.Host.Tests.EndToEnd;

/// <summary><c>krust-pm check</c>: the checks <c>run</c> makes before starting anything, and nothing else.</summary>
public sealed class CheckCommandTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-check-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_valid_config_exits_0_listing_its_programs_and_starts_nothing()
    {
        await WriteAsync("""
            server-port = "127.0.0.1:4999"
            [web]
            command = "touch started-anyway"
            instances = 2
            """);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.Equal(0, exitCode);
        Assert.Equal($"{Path.Combine(_folder, "krust-pm.toml")}: valid; 1 program(s): web (2); API on 127.0.0.1:4999\n", output);
        Assert.False(File.Exists(Path.Combine(_folder, "started-anyway")));
        Assert.False(Directory.Exists(Path.Combine(_folder, "logs"))); // check creates nothing
    }

    [Fact]
    public async Task A_broken_config_exits_2_with_every_problem()
    {
        var path = await WriteAsync("""
            [web]
            comand = "x"
            instances = -1
            """);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check", "-c", path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"krust-pm: {path}:1: program 'web': missing required key 'command'", output, StringComparison.Ordinal);
        Assert.Contains($"krust-pm: {path}:2: program 'web': unknown key 'comand' (did you mean 'command'?)", output, StringComparison.Ordinal);
        Assert.Contains($"krust-pm: {path}:3: program 'web': key 'instances': expected a non-negative integer, got -1", output, StringComparison.Ordinal);
        Assert.Contains("krust-pm: 3 problem(s) in the configuration; the configuration is not valid.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_with_broken_dependencies_and_probes_exits_2_naming_each_line_and_starts_nothing()
    {
        var path = await WriteAsync("""
            [db]
            command = "touch db-started"
            readiness = { tcp = "127.0.0.1", period_ms = 0 }

            [migrate]
            command = "touch migrate-started"
            depends_on = { db = "healthy", web = "started" }

            [web]
            command = "touch web-started"
            depends_on = ["migrate", "cache"]
            ready_log_line = "listening (on"
            """);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check", "-c", path);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            [
                $"krust-pm: {path}:3: program 'db': key 'readiness.tcp': invalid address \"127.0.0.1\": missing ':port' after the host; expected \"host:port\" such as \"127.0.0.1:5432\"",
                $"krust-pm: {path}:3: program 'db': key 'readiness.period_ms': expected a positive duration, got 0 ms",
                $"krust-pm: {path}:11: program 'web': key 'depends_on': no program is named 'cache'",
                $"krust-pm: {path}:11: program 'web': key 'depends_on': dependency cycle: migrate -> web -> migrate",
                $"krust-pm: {path}:12: program 'web': key 'ready_log_line': invalid regular expression \"listening (on\": Invalid pattern 'listening (on' at offset 13. Not enough )'s.",
                "krust-pm: 5 problem(s) in the configuration; the configuration is not valid.",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(Directory.GetFiles(_folder, "*-started"));
    }

    [Fact]
    public async Task The_dependency_example_is_valid()
    {
        var example = Path.Combine(PublishedKrustPm.RepositoryRoot, "examples", "depends-on.toml");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check", "-c", example);

        Assert.True(exitCode == 0, output);
        Assert.StartsWith($"{example}: valid; 3 program(s): db (1), migrate (1), web (2);", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[web\ncommand = \"x\"\n", ":1: syntax error:")]
    [InlineData("[web]\n", ":1: program 'web': missing required key 'command'")]
    [InlineData("[web]\ncommand = \"x\"\nmax_retries = \"three\"\n", ":3: program 'web': key 'max_retries': expected a non-negative integer, got string \"three\"")]
    [InlineData("[web]\ncommand = \"x\"\ninstances = -1\n", ":3: program 'web': key 'instances': expected a non-negative integer, got -1")]
    [InlineData("[web]\ncommand = \"x\"\nretries = 1\n", ":3: program 'web': unknown key 'retries'")]
    [InlineData("server-port = \"x\"\n", ":1: key 'server-port': invalid address")]
    public async Task Each_kind_of_broken_config_exits_2_naming_file_line_program_and_key(string toml, string expected)
    {
        var path = await WriteAsync(toml);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.Equal(2, exitCode);
        Assert.Contains($"krust-pm: {path}{expected}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_refuses_an_address_other_machines_can_reach_without_a_token_as_run_would()
    {
        await WriteAsync("server-port = \"0.0.0.0:4999\"\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.Equal(2, exitCode);
        Assert.Contains("server-port 0.0.0.0:4999 is reachable from other machines; set auth_token", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_exits_2_naming_where_it_looked()
    {
        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "check");

        Assert.Equal(2, exitCode);
        Assert.Contains(Path.Combine(_folder, "krust-pm.toml"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_is_the_same_as_no_command()
    {
        var path = await WriteAsync("""
            server-port = "127.0.0.1:{port}"
            [sleepy]
            command = "sleep 300"
            """);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, path, "run");

        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private async Task<string> WriteAsync(string toml)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, toml, Token);
        return path;
    }
}
