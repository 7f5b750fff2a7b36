using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>Valid configurations: the specs the loader produces.</summary>
public class ConfigLoaderTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    private const string SeedExample = """
        server-port = "localhost:4000"

        [good_sleeper]
        command = "./sleeper.py"
        max_retries = 3
        instances = 2
        """;

    [Fact]
    public void Parse_reads_the_seed_example()
    {
        var result = ConfigLoader.Parse(SeedExample, ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(ConfigPath, result.Config.Path);
        Assert.Equal(new ServerAddress("localhost", 4000), result.Config.Server);
        var program = Assert.Single(result.Config.Programs);
        Assert.Equal("good_sleeper", program.Name);
        Assert.Equal("./sleeper.py", program.Command);
        Assert.Equal(["./sleeper.py"], program.Argv);
        Assert.Equal(3, program.MaxRetries);
        Assert.Equal(2, program.Instances);
        Assert.Equal("/cfg", program.WorkingDirectory);
    }

    [Fact]
    public void Parse_applies_defaults_for_absent_keys()
    {
        var result = ConfigLoader.Parse("[web]\ncommand = \"node server.js\"\n", ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(ServerAddress.Default, result.Config.Server);
        var program = Assert.Single(result.Config.Programs);
        Assert.Equal(["node", "server.js"], program.Argv);
        Assert.Equal(1, program.Instances);
        Assert.Equal(3, program.MaxRetries);
        Assert.Equal(1000, program.MaxInstances);
        Assert.Equal(TimeSpan.FromMilliseconds(100), program.RestartDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), program.StopTimeout);
        Assert.Equal(Signals.Terminate, program.StopSignal);
        Assert.Equal("/cfg", program.WorkingDirectory);
    }

    [Fact]
    public void Parse_reads_every_optional_key()
    {
        using var temp = new TempDirectory();
        temp.CreateDirectory("app");
        var text = """
            [worker]
            command = "python3 -c 'import time; time.sleep(60)'"
            args = ["--verbose", "two words", ""]
            instances = 4
            max_instances = 8
            max_retries = 0
            restart_delay_ms = 250
            stop_timeout_ms = 0
            stop_signal = "SIGINT"
            workdir = "app"
            """;

        var result = ConfigLoader.Parse(text, Path.Combine(temp.Path, "krust-pm.toml"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var program = Assert.Single(result.Config.Programs);
        Assert.Equal("python3 -c 'import time; time.sleep(60)'", program.Command);
        Assert.Equal(["python3", "-c", "import time; time.sleep(60)", "--verbose", "two words", ""], program.Argv);
        Assert.Equal(4, program.Instances);
        Assert.Equal(8, program.MaxInstances);
        Assert.Equal(0, program.MaxRetries);
        Assert.True(program.RetriesForever);
        Assert.Equal(TimeSpan.FromMilliseconds(250), program.RestartDelay);
        Assert.Equal(TimeSpan.Zero, program.StopTimeout);
        Assert.Equal(Signals.Interrupt, program.StopSignal);
        Assert.Equal(Path.Combine(temp.Path, "app"), program.WorkingDirectory);
    }

    [Theory]
    [InlineData("TERM", Signals.Terminate)]
    [InlineData("sigterm", Signals.Terminate)]
    [InlineData("SIGHUP", Signals.Hangup)]
    [InlineData("INT", Signals.Interrupt)]
    [InlineData("usr1", Signals.User1)]
    [InlineData("QUIT", Signals.Quit)]
    public void Parse_accepts_signal_names(string name, int expected)
    {
        var result = ConfigLoader.Parse($"[p]\ncommand = \"x\"\nstop_signal = \"{name}\"\n", ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(expected, Assert.Single(result.Config.Programs).StopSignal);
    }

    [Fact]
    public void Parse_resolves_workdir_against_the_config_folder_and_normalizes_it()
    {
        using var temp = new TempDirectory();
        var sub = temp.CreateDirectory("sub");
        temp.CreateDirectory("other");
        var text = $"""
            [relative]
            command = "x"
            workdir = "./sub/../other/"

            [absolute]
            command = "x"
            workdir = '{sub}'
            """;

        var result = ConfigLoader.Parse(text, Path.Combine(temp.Path, "krust-pm.toml"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(Path.Combine(temp.Path, "other"), result.Config.Programs[0].WorkingDirectory);
        Assert.Equal(sub, result.Config.Programs[1].WorkingDirectory);
    }

    [Fact]
    public void Parse_keeps_programs_in_file_order()
    {
        var text = "[zeta]\ncommand = \"z\"\n[alpha]\ncommand = \"a\"\n[\"mid.v2\"]\ncommand = \"m\"\n";

        var result = ConfigLoader.Parse(text, ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(["zeta", "alpha", "mid.v2"], result.Config.Programs.Select(p => p.Name));
    }

    [Theory]
    [InlineData("server-port = 4100", "localhost", 4100)]
    [InlineData("server-port = \"0.0.0.0:80\"", "0.0.0.0", 80)]
    [InlineData("server-port = \"[::1]:5000\"", "::1", 5000)]
    [InlineData("\"server-port\" = \"example.com:443\"", "example.com", 443)]
    public void Parse_reads_the_server_port(string line, string host, int port)
    {
        var result = ConfigLoader.Parse(line + "\n", ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(new ServerAddress(host, port), result.Config.Server);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_accepts_a_file_without_programs(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Config.Programs);
        Assert.Equal(ServerAddress.Default, result.Config.Server);
    }

    [Fact]
    public void Load_reads_a_file_and_uses_its_folder_as_the_default_workdir()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("krust-pm.toml", SeedExample);

        var result = ConfigLoader.Load(file);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(file, result.Config.Path);
        Assert.Equal(temp.Path, Assert.Single(result.Config.Programs).WorkingDirectory);
    }

    [Fact]
    public void Load_reports_a_missing_file_without_a_line()
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "nope.toml");

        var result = ConfigLoader.Load(file);

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.Null(problem.Line);
        Assert.Equal($"{file}: cannot read the configuration file: file not found", problem.ToString());
    }

    [Fact]
    public void Load_reports_a_directory_given_as_the_file()
    {
        using var temp = new TempDirectory();

        var result = ConfigLoader.Load(temp.Path);

        Assert.Equal(
            $"{temp.Path}: cannot read the configuration file: it is a directory",
            Assert.Single(result.Problems).ToString());
    }
}
