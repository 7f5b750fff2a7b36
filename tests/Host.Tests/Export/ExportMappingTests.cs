using System.Collections.Immutable;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Config;
using KrustPm.Host.Export;

namespace KrustPm.Host.Tests.Export;

/// <summary>
/// Settings the config file cannot express yet (issue 17's fields, already in <see cref="ProgramSpec"/>), built in
/// code: each reaches its target's equivalent, or a comment and a stderr line; nothing is dropped silently.
/// </summary>
public sealed class ExportMappingTests
{
    private static readonly ProgramSpec Worker = new("worker", "sh -c 'echo \"$HOME\" 100%'", ["sh", "-c", "echo \"$HOME\" 100%"])
    {
        Instances = 2,
        SuccessExitCodes = [0, 3],
        StopSignalTarget = SignalTarget.Main,
        PortBase = 9000,
        Groups = ["back"],
        Process = new ProcessSettings
        {
            Umask = 0b000_010_010, // 022
            Nice = 5,
            Limits = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("nofile", new ResourceLimit(1024, 4096))]),
        },
        Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("GREETING", "say \"hi\" 50% $USER")]),
        ReadyLogLine = "^ready",
        Liveness = new ProbeSpec { Tcp = "127.0.0.1:9000" },
    };

    private static KrustConfig Config => new("/srv/app/krust-pm.toml", ServerAddress.Default, [Worker]);

    [Fact]
    public void Systemd_maps_process_settings_success_codes_and_the_signal_target_and_quotes_per_its_rules()
    {
        var result = SystemdExporter.Export(Config, "app");
        var unit = result.Files.Single(f => f.Name == "app-worker@.service").Text;

        Assert.Contains("SuccessExitStatus=3\n", unit, StringComparison.Ordinal);
        Assert.Contains("KillMode=mixed\n", unit, StringComparison.Ordinal);
        Assert.Contains("UMask=0022\n", unit, StringComparison.Ordinal);
        Assert.Contains("Nice=5\n", unit, StringComparison.Ordinal);
        Assert.Contains("LimitNOFILE=1024:4096\n", unit, StringComparison.Ordinal);
        Assert.Contains("Environment=\"GREETING=say \\\"hi\\\" 50%% $USER\"\n", unit, StringComparison.Ordinal);
        Assert.Matches("ExecStart=/\\S*sh -c \"echo \\\\\"\\$\\$HOME\\\\\" 100%%\"\n", unit);
        Assert.Contains("Wants=app-worker@0.service app-worker@1.service", result.Files.Single(f => f.Name == "app.target").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void What_systemd_cannot_express_is_a_comment_in_the_unit_and_a_line_for_stderr()
    {
        var result = SystemdExporter.Export(Config, "app");
        var unit = result.Files.Single(f => f.Name == "app-worker@.service").Text;
        foreach (var key in new[] { "port_base = 9000", "ready_log_line", "liveness", "groups = [back]" })
        {
            Assert.Contains(result.Unmapped, line => line.StartsWith($"worker: {key}", StringComparison.Ordinal));
            Assert.Contains($"# Not carried over: {key}", unit, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compose_maps_limits_and_escapes_dollars_and_lists_what_it_cannot_express()
    {
        var result = ComposeExporter.Export(Config, "app", "debian:stable-slim");
        var file = Assert.Single(result.Files).Text;

        Assert.Contains("      \"nofile\":\n        soft: 1024\n        hard: 4096\n", file, StringComparison.Ordinal);
        Assert.Contains("\"GREETING\": \"say \\\"hi\\\" 50% $$USER\"", file, StringComparison.Ordinal);
        Assert.Contains("replicas: 2", file, StringComparison.Ordinal);
        foreach (var key in new[] { "umask = 22", "nice = 5", "success_exit_codes = [0, 3]", "port_base = 9000", "stop_signal_target", "ready_log_line", "liveness", "groups" })
        {
            Assert.Contains(result.Unmapped, line => line.StartsWith($"worker: {key}", StringComparison.Ordinal));
            Assert.Contains($"# Not carried over: worker: {key}", file, StringComparison.Ordinal);
        }
    }
}
