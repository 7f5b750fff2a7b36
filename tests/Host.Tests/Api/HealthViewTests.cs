using System.Net;
using System.Text.Json;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Api;
using static KrustPm.Host.Tests.Events.HealthStates;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// The API's view of dependencies and health: <c>ready</c>, <c>waitingFor</c>, the last probe outcomes, the
/// statuses Waiting and Blocked, and the configuration. The seed's JSON is unchanged for programs without them.
/// </summary>
public sealed class HealthViewTests : ApiTestBase
{
    [Fact]
    public void An_instance_of_a_program_without_dependencies_or_probes_has_exactly_the_seed_fields()
    {
        var state = State(Program(Plain, Running(0, 1), new InstanceState(1, 2, InstanceStatus.Backoff) { NextTryAt = At, ConsecutiveFailures = 1 }));

        var json = Serialize(StateProjection.Programs(state));

        Assert.Equal(
            """
            [
              {
                "name": "plain",
                "cmd": "sleep 60",
                "status": "Started",
                "totalInstances": 2,
                "instances": [
                  {
                    "id": 0,
                    "currentTry": 1,
                    "status": "Running",
                    "index": 0,
                    "consecutiveFailures": 0,
                    "pid": 4001,
                    "startedAt": "2026-11-26T12:00:00+00:00",
                    "restarts": 0
                  },
                  {
                    "id": 1,
                    "currentTry": 2,
                    "status": "Backoff",
                    "index": 0,
                    "consecutiveFailures": 1,
                    "nextTryAt": "2026-11-26T12:00:00+00:00",
                    "restarts": 1
                  }
                ]
              }
            ]
            """.ReplaceLineEndings("\n"),
            json.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Waiting_and_blocked_instances_show_what_they_wait_for_and_why_they_are_blocked()
    {
        var state = State(Program(Web, Waiting(0), Blocked(1)));

        var instances = Parse(StateProjection.Programs(state))[0].GetProperty("instances");

        Assert.Equal("Waiting", instances[0].GetProperty("status").GetString());
        Assert.Equal(["db (healthy)"], instances[0].GetProperty("waitingFor").EnumerateArray().Select(w => w.GetString()));
        Assert.False(instances[0].TryGetProperty("lastError", out _));
        Assert.Equal("Blocked", instances[1].GetProperty("status").GetString());
        Assert.Equal(["db (healthy)"], instances[1].GetProperty("waitingFor").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded", instances[1].GetProperty("lastError").GetString());
        Assert.All(instances.EnumerateArray(), i => Assert.False(i.TryGetProperty("ready", out _)));
    }

    [Fact]
    public void A_probed_instance_shows_whether_it_is_ready_and_its_last_probe_outcomes()
    {
        var ready = Running(0, 1, ready: true) with
        {
            LastReadiness = new ProbeOutcome(true, "HTTP 200", At),
            LastLiveness = new ProbeOutcome(false, "connection refused", At.AddSeconds(1)),
        };
        var state = State(Program(Db, ready, Running(1, 2, ready: false)));

        var instances = Parse(StateProjection.Programs(state))[0].GetProperty("instances");

        Assert.True(instances[0].GetProperty("ready").GetBoolean());
        Assert.Equal(
            """{"passed":true,"detail":"HTTP 200","at":"2026-11-26T12:00:00+00:00"}""",
            Compact(instances[0].GetProperty("lastReadiness")));
        Assert.Equal(
            """{"passed":false,"detail":"connection refused","at":"2026-11-26T12:00:01+00:00"}""",
            Compact(instances[0].GetProperty("lastLiveness")));
        Assert.False(instances[0].TryGetProperty("waitingFor", out _));
        Assert.False(instances[1].GetProperty("ready").GetBoolean());
        Assert.False(instances[1].TryGetProperty("lastReadiness", out _));
    }

    [Fact]
    public void Ready_is_left_out_while_an_instance_has_no_run()
    {
        var state = State(Program(Db, new InstanceState(0, 2, InstanceStatus.Backoff) { Ready = true, NextTryAt = At }));

        var instance = Parse(StateProjection.Programs(state))[0].GetProperty("instances")[0];

        Assert.False(instance.TryGetProperty("ready", out _));
    }

    [Theory]
    [InlineData(InstanceStatus.Waiting, new[] { "web" })]
    [InlineData(InstanceStatus.Blocked, new[] { "web" })]
    [InlineData(InstanceStatus.Running, new[] { "db", "plain" })]
    public void The_status_filter_finds_waiting_and_blocked_instances(InstanceStatus status, string[] expected)
    {
        var state = State(Program(Db, Running(0, 1, ready: false)), Program(Web, Waiting(0), Blocked(1)), Program(Plain, Running(0, 3)));

        Assert.Equal(expected, StateProjection.WithStatus(state, status).Select(p => p.Name));
    }

    [Theory]
    [InlineData("Waiting")]
    [InlineData("waiting")]
    [InlineData("Blocked")]
    [InlineData("BLOCKED")]
    public async Task Root_accepts_the_waiting_and_blocked_statuses(string status)
    {
        await StartAsync();

        var programs = await GetJsonAsync($"/?status={status}");

        Assert.Equal(0, programs.GetArrayLength());
    }

    [Fact]
    public async Task The_v1_view_shows_the_dependencies_and_probes_of_the_configuration()
    {
        // The probes really run (against ports nothing listens on): never a fixed port another program may hold.
        var (dbPort, webPort) = (EndToEnd.KrustPmProcess.FreePort(), EndToEnd.KrustPmProcess.FreePort());
        await StartAsync(
            $$"""
            [db]
            command = "./db"
            readiness = { http = "http://127.0.0.1:{{dbPort}}/health", period_ms = 250, timeout_ms = 500 }
            liveness = { exec = "pg_isready -q", failure_threshold = 5, initial_delay_ms = 3000 }

            [migrate]
            command = "./migrate"
            restart = "never"
            depends_on = ["db"]

            [web]
            command = "./web"
            depends_on = { db = "healthy", migrate = "completed_successfully" }
            restart_with = true
            readiness = { tcp = "127.0.0.1:{{webPort}}" }
            ready_log_line = "^listening"
            """,
            waitForRunning: false);

        var db = (await ProgramAsync("db")).GetProperty("config");
        var migrate = (await ProgramAsync("migrate")).GetProperty("config");
        var web = (await ProgramAsync("web")).GetProperty("config");

        Assert.Equal("{}", Compact(db.GetProperty("dependsOn")));
        Assert.False(db.GetProperty("restartWith").GetBoolean());
        Assert.Equal(
            $$"""{"kind":"http","target":"http://127.0.0.1:{{dbPort}}/health","periodMs":250,"timeoutMs":500,"failureThreshold":3,"initialDelayMs":0}""",
            Compact(db.GetProperty("readiness")));
        Assert.Equal(
            """{"kind":"exec","target":"pg_isready -q","periodMs":1000,"timeoutMs":1000,"failureThreshold":5,"initialDelayMs":3000}""",
            Compact(db.GetProperty("liveness")));
        Assert.False(db.TryGetProperty("readyLogLine", out _));
        Assert.Equal("""{"db":"started"}""", Compact(migrate.GetProperty("dependsOn")));
        Assert.False(migrate.TryGetProperty("readiness", out _));
        Assert.False(migrate.TryGetProperty("liveness", out _));
        Assert.Equal("""{"db":"healthy","migrate":"completed_successfully"}""", Compact(web.GetProperty("dependsOn")));
        Assert.True(web.GetProperty("restartWith").GetBoolean());
        Assert.Equal("tcp", web.GetProperty("readiness").GetProperty("kind").GetString());
        Assert.Equal($"127.0.0.1:{webPort}", web.GetProperty("readiness").GetProperty("target").GetString());
        Assert.Equal("^listening", web.GetProperty("readyLogLine").GetString());
    }

    [Fact]
    public async Task The_v1_view_of_a_program_without_them_shows_no_dependencies_and_no_probes()
    {
        await StartAsync();

        var config = (await ProgramAsync("web")).GetProperty("config");

        Assert.Equal("{}", Compact(config.GetProperty("dependsOn")));
        Assert.False(config.GetProperty("restartWith").GetBoolean());
        Assert.False(config.TryGetProperty("readiness", out _));
        Assert.False(config.TryGetProperty("liveness", out _));
        Assert.False(config.TryGetProperty("readyLogLine", out _));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/v1/programs", Token)).StatusCode);
    }

    private static string Serialize(IReadOnlyList<ProgramView> programs) =>
        JsonSerializer.Serialize(programs, ApiJson.Context.IReadOnlyListProgramView);

    private static JsonElement Parse(IReadOnlyList<ProgramView> programs) => JsonDocument.Parse(Serialize(programs)).RootElement.Clone();

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
