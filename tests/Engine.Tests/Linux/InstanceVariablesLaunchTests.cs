using System.Collections.Immutable;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// The real launcher runs an instance with its instance variables and its placeholders expanded (argv, env values,
/// working directory), as a real shell sees them.
/// </summary>
public sealed class InstanceVariablesLaunchTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-instance-vars-").FullName;
    private readonly LinuxProcessLauncher _launcher = new(LinuxProcessLauncherOptions.Default);
    private readonly RecordingEvents _events = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var pid in _events.Pids)
        {
            Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
        }

        _launcher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_instance_sees_its_program_id_index_and_port_in_its_environment_argv_and_working_directory()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "web-2"));
        const string script = """printf '%s\n' "$KRUST_PM_PROGRAM" "$KRUST_PM_INSTANCE" "$KRUST_PM_INDEX" "$PORT" "$GREETING" "$1" "$(pwd)" > ../seen""";
        var spec = new ProgramSpec("web", script, ["/bin/sh", "-c", script, "sh", "--bind=127.0.0.1:{port}"])
        {
            PortBase = 8000,
            WorkingDirectory = Path.Combine(_folder, "{program}-{index}"),
            Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("GREETING", "web #{id} {{literal}}")]),
        };

        _launcher.Launch(new LaunchRequest(1, spec, InstanceId: 7, Try: 1) { Index = 2 }, _events);

        Assert.Equal("started 1", await _events.NextAsync());
        Assert.Equal("exited 1: 0", await _events.NextAsync());
        Assert.Equal(
            ["web", "7", "2", "8002", "web #7 {literal}", "--bind=127.0.0.1:8002", Path.Combine(_folder, "web-2")],
            File.ReadAllLines(Path.Combine(_folder, "seen")));
    }

    [Fact]
    public async Task An_instance_whose_working_directory_does_not_exist_fails_to_start_naming_it()
    {
        var spec = new ProgramSpec("web", "true", ["/bin/true"]) { WorkingDirectory = Path.Combine(_folder, "{program}-{index}") };

        _launcher.Launch(new LaunchRequest(1, spec, InstanceId: 3, Try: 1) { Index = 1 }, _events);

        Assert.Equal($"failed 1: working directory does not exist: '{Path.Combine(_folder, "web-1")}'", await _events.NextAsync());
    }
}
