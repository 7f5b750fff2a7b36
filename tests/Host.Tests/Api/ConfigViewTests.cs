using System.Text.Json;
using KrustPm.Host.Api;
using KrustPm.Host.Config;
using static KrustPm.Host.Tests.Events.HealthStates;

namespace KrustPm.Host.Tests.Api;

/// <summary>The API's config view shows the settings of issue 17 as read from the file.</summary>
public sealed class ConfigViewTests
{
    [Fact]
    public void The_config_view_shows_the_settings_as_the_file_wrote_them()
    {
        var result = ConfigLoader.Parse(
            """
            [web]
            command = "x"
            autostart = false
            success_exit_codes = [0, 2]
            stop_signal_target = "main"
            port_base = 8000
            groups = ["front"]
            umask = "022"
            nice = 5
            rlimits = { nofile = { soft = 1024, hard = 4096 }, core = "unlimited" }
            stdout_log = "/var/log/{program}.{id}.log"
            merge_stderr = true
            log_timestamps = true
            """,
            "/cfg/krust-pm.toml");
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var state = State(Program(result.Config.Programs[0]));

        var view = StateProjection.Detailed(state, state.Programs[0]);
        var config = JsonDocument.Parse(JsonSerializer.Serialize(view, ApiJson.Context.ProgramView)).RootElement.GetProperty("config");

        Assert.False(config.GetProperty("autostart").GetBoolean());
        Assert.Equal("[0,2]", Compact(config.GetProperty("successExitCodes")));
        Assert.Equal("main", config.GetProperty("stopSignalTarget").GetString());
        Assert.Equal(8000, config.GetProperty("portBase").GetInt32());
        Assert.Equal("[\"front\"]", Compact(config.GetProperty("groups")));
        Assert.Equal("022", config.GetProperty("umask").GetString());
        Assert.Equal(5, config.GetProperty("nice").GetInt32());
        Assert.Equal("{\"core\":{},\"nofile\":{\"soft\":1024,\"hard\":4096}}", Compact(config.GetProperty("rlimits")));
        Assert.Equal("/var/log/{program}.{id}.log", config.GetProperty("stdoutLog").GetString());
        Assert.False(config.TryGetProperty("stderrLog", out _));
        Assert.True(config.GetProperty("mergeStderr").GetBoolean());
        Assert.True(config.GetProperty("logTimestamps").GetBoolean());
        Assert.False(config.GetProperty("logInherit").GetBoolean());
    }

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
