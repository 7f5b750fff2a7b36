using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Dependencies and probes as whole stories, in committed snapshots (<c>__snapshots__/*.snap</c>): each message with
/// its effects, then a line per instance of every program.
/// </summary>
public class ReducerDependencySnapshotTests
{
    [Fact]
    public void Web_waits_for_api_which_waits_for_a_healthy_db_and_shutdown_goes_in_reverse()
    {
        // db is ready once its readiness probe passes; api needs db healthy, web needs api started.
        var db = Spec("db", stopSignal: Signals.Interrupt, stopTimeoutMs: 30_000) with { Readiness = Probe(periodMs: 1_000, initialDelayMs: 500) };
        var api = Spec("api").DependingOn(("db", DependencyCondition.Healthy));
        var web = Spec("web", stopTimeoutMs: 2_000).DependingOn(("api", DependencyCondition.Started));

        Snap.Match(StateView.HealthStory(
            Load(web, api, db),
            Started(1, at: 5),
            ProbeDue(1, ProbeKind.Readiness, at: 505),
            Failed(1, ProbeKind.Readiness, at: 510, "exit code 2: no response"),
            ProbeDue(1, ProbeKind.Readiness, at: 1_510),
            Passed(1, ProbeKind.Readiness, at: 1_515, "exit code 0: accepting connections"),
            Started(2, at: 1_520),
            Started(3, at: 1_530),
            Shutdown(request: 2, at: 5_000),
            Exited(3, 143, at: 5_010),
            Exited(2, 143, at: 5_020),
            Exited(1, 130, at: 5_030)));
    }

    [Fact]
    public void A_liveness_failure_loop_exhausts_the_retries_blocks_the_dependent_and_a_start_recovers_it()
    {
        // db never prints its ready line, so api waits; its runs fail their liveness probe well within MinUptime, so
        // each restart adds to the failure streak until no retries are left. api is then blocked, until db is started.
        var db = Spec("db", maxRetries: 1, restartDelayMs: 100, minUptimeMs: 60_000)
            with { Liveness = Probe(periodMs: 1_000, failureThreshold: 2), ReadyLogLine = "ready to accept connections" };
        var api = Spec("api").DependingOn(("db", DependencyCondition.HealthyAll));

        Snap.Match(StateView.HealthStory(
            Load(db, api),
            Started(1, at: 5),
            ProbeDue(1, ProbeKind.Liveness, at: 5),
            Failed(1, ProbeKind.Liveness, at: 10, "HTTP 503"),
            ProbeDue(1, ProbeKind.Liveness, at: 1_010),
            Failed(1, ProbeKind.Liveness, at: 1_015, "HTTP 503"),
            Exited(1, 143, at: 1_020),
            RetryDue("db", 0, 2, at: 1_120),
            Started(2, at: 1_125),
            ProbeDue(2, ProbeKind.Liveness, at: 1_125),
            Failed(2, ProbeKind.Liveness, at: 1_130, "connection refused"),
            ProbeDue(2, ProbeKind.Liveness, at: 2_130),
            Failed(2, ProbeKind.Liveness, at: 2_135, "connection refused"),
            Exited(2, 143, at: 2_140),
            StartInstances("db", null, request: 2, at: 9_000),
            Started(3, at: 9_005),
            ReadyLine(3, "LOG: database system is ready to accept connections", at: 9_500)));
    }
}
