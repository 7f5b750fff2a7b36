using System.Collections.Immutable;
using KrustPm.Engine.Health;
using KrustPm.Engine.Logs;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="ProgramSpec.Validate"/> is the one place the rules of a spec live: the engine refuses what it finds, and
/// the config reader only places its problems on file lines. These pin each rule on a spec built in code, as an
/// embedder builds one.
/// </summary>
public sealed class ProgramSpecValidationTests
{
    [Fact]
    public void A_spec_with_the_defaults_breaks_no_rule()
    {
        Assert.Empty(Spec("web").Validate());
    }

    public static TheoryData<string, Func<ProgramSpec, ProgramSpec>, string, int?> Broken() => new()
    {
        { "instances", s => s with { Instances = -1 }, "expected a non-negative integer, got -1", null },
        { "max_instances", s => s with { MaxInstances = 0 }, "expected a positive integer, got 0", null },
        { "instances", s => s with { Instances = 5, MaxInstances = 3 }, "5 is more than max_instances (3)", null },
        { "max_retries", s => s with { MaxRetries = -1 }, "expected a non-negative integer, got -1", null },
        { "stop_timeout_ms", s => s with { StopTimeout = TimeSpan.FromMilliseconds(-5) }, "expected a non-negative duration, got -5 ms", null },
        { "port_base", s => s with { PortBase = 0 }, "expected a port from 1 to 65535, got 0", null },
        { "port_base", s => s with { PortBase = 65535, MaxInstances = 2 }, "65535 + max_instances (2) would give ports beyond 65535; the last instance gets port_base + max_instances - 1", null },
        { "nice", s => s with { Process = s.Process with { Nice = 20 } }, "expected an integer from -20 (most favoured) to 19, got 20", null },
        { "umask", s => s with { Process = s.Process with { Umask = 512 } }, "expected at most 0o777, got 0o1000", null },
        { "success_exit_codes", s => s with { SuccessExitCodes = [] }, "expected a non-empty array of exit codes such as [0, 2]", null },
        { "success_exit_codes", s => s with { SuccessExitCodes = [0, 256] }, "expected an exit code from 0 to 255, got 256", 1 },
        { "success_exit_codes", s => s with { SuccessExitCodes = [1, 1] }, "1 is listed twice", 1 },
        { "groups", s => s with { Groups = ["web", "web"] }, "'web' is listed twice", 1 },
        { "groups", s => s with { Groups = ["-web"] }, "invalid group name '-web': a name must start with a letter, a digit or '_' (not '-' or '.')", 0 },
        { "command", s => s with { Argv = ["app", "--port={port}"] }, "placeholder {port} needs port_base (the port of instance index i is port_base + i)", 1 },
        { "command", s => s with { Argv = ["", "x"] }, "the program to run (the first word) is empty", 0 },
        { "command", s => s with { Argv = ["app", "a\0b"] }, "contains a NUL character (\\0), which cannot be passed to a program", 1 },
        { "env.NAME", s => s with { Environment = s.Environment.Add("NAME", "web-{idx}") }, "variable NAME: unknown placeholder {idx} (known: {program}, {id}, {index}, {port}; write {{ and }} for literal braces)", null },
        { "stdout_log", s => s with { Log = s.Log with { StdoutPath = "/var/log/{nope}.log" } }, "unknown placeholder {nope} (known: {program}, {id}, {index}, {port}; write {{ and }} for literal braces)", null },
        { "stderr_log", s => s with { Log = s.Log with { MergeStderr = true, StderrPath = "/tmp/e.log" } }, "has no effect with merge_stderr = true (stderr goes to the stdout log); remove one of them", null },
        { "ready_log_line", s => s with { ReadyLogLine = "up", Log = s.Log with { Inherit = true } }, "needs captured output, but log = \"inherit\" passes the output straight to krust-pm's own", null },
        { "ready_log_line", s => s with { ReadyLogLine = string.Empty }, "must not be empty (it would match every line)", null },
        { "stdout_log", s => s with { Instances = 2, Log = s.Log with { StdoutPath = "/var/log/web.log" } }, "the 2 instances would all write this one file; put {id} or {index} in the path", null },
        { "log_backups", s => s with { Log = s.Log with { Backups = -1 } }, "expected a non-negative integer, got -1", null },
        { "readiness", s => s with { Readiness = new ProbeSpec() }, "expected exactly one of exec, http or tcp, got none", null },
        { "liveness.tcp", s => s with { Liveness = new ProbeSpec { Tcp = "127.0.0.1:{port}" } }, "placeholder {port} needs port_base (the port of instance index i is port_base + i)", null },
        { "user", s => s with { User = "a b" }, "expected a user name, got \"a b\"", null },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_rule_names_its_key_and_says_what_is_wrong(string key, Func<ProgramSpec, ProgramSpec> change, string message, int? item)
    {
        var problems = change(Spec("web")).Validate();

        Assert.Equal([new SpecProblem(key, message, item)], problems);
    }

    [Fact]
    public void Every_problem_is_found_not_only_the_first()
    {
        var spec = Spec("web") with { Instances = -1, MaxRetries = -2, Process = ProcessSettings.Default with { Nice = 40 } };

        Assert.Equal(["instances", "max_retries", "nice"], spec.Validate().Select(p => p.Key));
    }

    [Fact]
    public void A_regular_expression_that_does_not_parse_is_refused_with_the_pattern()
    {
        var problem = Assert.Single((Spec("web") with { ReadyLogLine = "listening (on" }).Validate());

        Assert.Equal("ready_log_line", problem.Key);
        Assert.StartsWith("invalid regular expression \"listening (on\": ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Placeholders_with_a_port_base_are_fine_everywhere_they_expand()
    {
        var spec = Spec("web") with
        {
            PortBase = 8000,
            Argv = ["app", "--port={port}", "--name={program}.{id}.{index}"],
            Environment = ImmutableSortedDictionary<string, string>.Empty.Add("PORT", "{port}"),
            WorkingDirectory = "/srv/{index}",
            Log = LogPolicy.Default with { StdoutPath = "/var/log/{program}.{id}.log" },
            Readiness = new ProbeSpec { Tcp = "127.0.0.1:{port}" },
        };

        Assert.Empty(spec.Validate());
    }

    [Fact]
    public void One_instance_may_have_a_log_file_of_its_own_name_but_a_scale_up_that_would_share_it_is_refused()
    {
        var single = Spec("web") with { Log = LogPolicy.Default with { StdoutPath = "/var/log/web.log" } };
        Assert.Empty(single.Validate());
        Assert.Empty((single with { Instances = 3, Log = single.Log with { StdoutPath = "/var/log/web.{index}.log" } }).Validate());

        var then = Scenario.Given(Load(single)).When(new Message.Scale("web", 2, RequestId: 2, At(10)));

        Assert.Equal(
            "Cannot scale 'web' to 2: key 'stdout_log': the 2 instances would all write this one file; put {id} or {index} in the path.",
            then.AssertRejected(2, RejectionKind.Invalid));
    }

    [Fact]
    public void The_engine_refuses_a_spec_that_breaks_a_rule_naming_the_key()
    {
        var then = Scenario.Given().When(Load(Spec("web") with { Log = LogPolicy.Default with { MergeStderr = true, StderrPath = "/tmp/e.log" } }));

        Assert.Equal(
            "Program 'web': key 'stderr_log': has no effect with merge_stderr = true (stderr goes to the stdout log); remove one of them.",
            then.AssertRejected(1, RejectionKind.Invalid));
        Assert.Empty(then.State.Programs);
    }
}
