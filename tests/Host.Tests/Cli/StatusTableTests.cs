using System.Text.Json;
using KrustPm.Host.Cli;

namespace KrustPm.Host.Tests.Cli;

/// <summary>The plain status table: stable columns, one line per instance, greppable.</summary>
public sealed class StatusTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_table_has_one_padded_line_per_instance_with_uptime_tries_and_last_exit()
    {
        var programs = JsonDocument.Parse("""
            [
              { "name": "web", "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "pid": 4242, "startedAt": "2026-11-26T11:57:55+00:00" },
                  { "id": 3, "currentTry": 4, "status": "RetriesExceeded", "lastExitCode": 3 } ] },
              { "name": "ghost", "instances": [
                  { "id": 0, "currentTry": 2, "status": "Backoff", "lastError": "no such file: './x'" } ] },
              { "name": "idle", "instances": [] }
            ]
            """).RootElement.EnumerateArray();

        var table = StatusCommand.Table(programs, Now);

        Assert.Equal(
            """
            NAME   ID  STATUS           PID   UPTIME  CPU  MEM  TRIES  LAST EXIT
            web    0   Running          4242  2m05s   -    -    1      -
            web    3   RetriesExceeded  -     -       -    -    4      3
            ghost  0   Backoff          -     -       -    -    2      could not start: no such file: './x'
            idle   -   (no instances)   -     -       -    -    -      -

            """.ReplaceLineEndings("\n"),
            table.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_table_of_the_seed_example_matches_its_snapshot()
    {
        var programs = JsonDocument.Parse("""
            [
              { "name": "good_sleeper", "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "pid": 20395, "startedAt": "2026-11-26T11:59:58+00:00" },
                  { "id": 1, "currentTry": 1, "status": "Running", "pid": 20398, "startedAt": "2026-11-26T11:00:00+00:00" } ] },
              { "name": "bad_sleeper", "instances": [
                  { "id": 0, "currentTry": 3, "status": "RetriesExceeded", "lastExitCode": 3 } ] }
            ]
            """).RootElement.EnumerateArray();

        // Snapshooter stores the text as a JSON string; a changed table fails here, and under CI=true a missing
        // snapshot fails too (.ci/run sets SNAPSHOOTER_STRICT_MODE).
        Snapshooter.Xunit3.Snapshot.Match(StatusCommand.Table(programs, Now).Split('\n'));
    }

    [Fact]
    public void Waiting_and_blocked_instances_say_why_and_no_ready_column_without_a_readiness_probe()
    {
        var programs = JsonDocument.Parse("""
            [
              { "name": "web", "config": { "dependsOn": { "db": "healthy" } }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Waiting", "waitingFor": ["db (healthy)", "cache (started)"] },
                  { "id": 1, "currentTry": 1, "status": "Blocked", "waitingFor": ["db (healthy)"],
                    "lastError": "dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded" } ] }
            ]
            """).RootElement.EnumerateArray();

        var table = StatusCommand.Table(programs, Now);

        Assert.Equal(
            """
            NAME  ID  STATUS   PID  UPTIME  CPU  MEM  TRIES  LAST EXIT
            web   0   Waiting  -    -       -    -    1      waiting for db (healthy), cache (started)
            web   1   Blocked  -    -       -    -    1      blocked: dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded

            """.ReplaceLineEndings("\n"),
            table.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_ready_column_follows_the_status_when_a_program_has_a_readiness_probe()
    {
        var programs = JsonDocument.Parse("""
            [
              { "name": "db", "config": { "readiness": { "kind": "http", "target": "http://127.0.0.1:8701/" } }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "ready": true, "pid": 4242, "startedAt": "2026-11-26T11:57:55+00:00" },
                  { "id": 1, "currentTry": 1, "status": "Running", "ready": false, "pid": 4243, "startedAt": "2026-11-26T11:59:15+00:00" } ] },
              { "name": "web", "config": { "dependsOn": { "db": "healthy" } }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Waiting", "waitingFor": ["db (healthy)"] } ] },
              { "name": "idle", "config": { }, "instances": [] }
            ]
            """).RootElement.EnumerateArray();

        var table = StatusCommand.Table(programs, Now);

        Assert.Equal(
            """
            NAME  ID  STATUS          READY  PID   UPTIME  CPU  MEM  TRIES  LAST EXIT
            db    0   Running         yes    4242  2m05s   -    -    1      -
            db    1   Running         no     4243  45s     -    -    1      -
            web   0   Waiting         -      -     -       -    -    1      waiting for db (healthy)
            idle  -   (no instances)  -      -     -       -    -    -      -

            """.ReplaceLineEndings("\n"),
            table.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_instance_restarted_by_its_liveness_probe_shows_its_exit_and_why()
    {
        var programs = JsonDocument.Parse("""
            [ { "name": "db", "instances": [
                  { "id": 0, "currentTry": 2, "status": "Backoff", "lastExitCode": 143,
                    "lastError": "liveness probe failed 3 times in a row: connection refused" } ] } ]
            """).RootElement.EnumerateArray().ToList();

        var row = Assert.Single(StatusCommand.Rows(programs, Now));

        Assert.Equal("143 (liveness probe failed 3 times in a row: connection refused)", row[^1]);
    }

    [Fact]
    public void A_ready_log_line_alone_also_shows_the_ready_column()
    {
        var programs = JsonDocument.Parse("""
            [ { "name": "web", "config": { "readyLogLine": "^listening" }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "ready": false, "pid": 7, "startedAt": "2026-11-26T11:59:59+00:00" } ] } ]
            """).RootElement.EnumerateArray().ToList();

        Assert.True(StatusCommand.ShowsReady(programs));
        Assert.Equal(["NAME", "ID", "STATUS", "READY", "PID", "UPTIME", "CPU", "MEM", "TRIES", "LAST EXIT"], StatusCommand.Columns(ready: true));
        Assert.Equal(["web", "0", "Running", "no", "7", "1s", "-", "-", "1", "-"], Assert.Single(StatusCommand.Rows(programs, Now, ready: true)));
    }

    [Fact]
    public void The_table_of_the_dependency_example_matches_its_snapshot()
    {
        var programs = JsonDocument.Parse("""
            [
              { "name": "db", "config": { "readiness": { "kind": "http", "target": "http://127.0.0.1:8701/" } }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "ready": true, "pid": 20395, "startedAt": "2026-11-26T11:59:50+00:00" } ] },
              { "name": "migrate", "config": { "dependsOn": { "db": "healthy" } }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Done", "lastExitCode": 0 } ] },
              { "name": "web", "config": { "dependsOn": { "db": "healthy", "migrate": "completed_successfully" }, "readyLogLine": "^Serving HTTP on" }, "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "ready": true, "pid": 20410, "startedAt": "2026-11-26T11:59:58+00:00" },
                  { "id": 1, "currentTry": 1, "status": "Running", "ready": false, "pid": 20411, "startedAt": "2026-11-26T11:59:59+00:00" } ] }
            ]
            """).RootElement.EnumerateArray();

        Snapshooter.Xunit3.Snapshot.Match(StatusCommand.Table(programs, Now).Split('\n'));
    }

    [Theory]
    [InlineData(-5, "0s")]
    [InlineData(45, "45s")]
    [InlineData(725, "12m05s")]
    [InlineData(11_220, "3h07m")]
    [InlineData(187_200, "2d04h")]
    public void Durations_are_compact(int seconds, string expected) =>
        Assert.Equal(expected, StatusCommand.Duration(TimeSpan.FromSeconds(seconds)));
}
