using System.Collections.Immutable;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary><see cref="InstanceVariables.For"/>: the program as one instance runs it.</summary>
public class InstanceVariablesTests
{
    private static ImmutableSortedDictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, variables.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));

    [Fact]
    public void Every_instance_gets_its_program_id_and_index_in_its_environment()
    {
        var spec = InstanceVariables.For(Spec("web"), instanceId: 7, index: 2);

        Assert.Equal("web", spec.Environment["KRUST_PM_PROGRAM"]);
        Assert.Equal("7", spec.Environment["KRUST_PM_INSTANCE"]);
        Assert.Equal("2", spec.Environment["KRUST_PM_INDEX"]);
        Assert.False(spec.Environment.ContainsKey("PORT"));
    }

    [Fact]
    public void The_instance_variables_are_krust_pms_and_win_over_the_programs_env()
    {
        var spec = InstanceVariables.For(Spec("web") with { Environment = Env(("KRUST_PM_INDEX", "99")) }, instanceId: 7, index: 2);

        Assert.Equal("2", spec.Environment["KRUST_PM_INDEX"]);
    }

    [Fact]
    public void A_port_base_sets_PORT_to_the_base_plus_the_index_unless_env_sets_PORT()
    {
        Assert.Equal("8003", InstanceVariables.For(Spec("web") with { PortBase = 8000 }, 9, 3).Environment["PORT"]);
        Assert.Equal("5000", InstanceVariables.For(Spec("web") with { PortBase = 8000, Environment = Env(("PORT", "5000")) }, 9, 3).Environment["PORT"]);
    }

    [Fact]
    public void Placeholders_expand_in_argv_env_values_workdir_and_log_paths_but_not_in_the_command_shown()
    {
        var spec = new ProgramSpec("web", "gunicorn -b :{port}", ["gunicorn", "-b", ":{port}", "--name={program}"])
        {
            PortBase = 8000,
            WorkingDirectory = "/srv/{program}/{index}",
            Environment = Env(("WORKER", "w{id}"), ("AWK", "{print $1}")),
            Log = Engine.Logs.LogPolicy.Default with { StdoutPath = "/var/log/{program}-{id}.out", StderrPath = "/var/log/{program}-{id}.err" },
        };

        var instance = InstanceVariables.For(spec, instanceId: 12, index: 1);

        Assert.Equal(["gunicorn", "-b", ":8001", "--name=web"], instance.Argv);
        Assert.Equal("gunicorn -b :{port}", instance.Command);
        Assert.Equal("/srv/web/1", instance.WorkingDirectory);
        Assert.Equal(("w12", "{print $1}"), (instance.Environment["WORKER"], instance.Environment["AWK"]));
        Assert.Equal(("/var/log/web-12.out", "/var/log/web-12.err"), (instance.Log.StdoutPath, instance.Log.StderrPath));
    }

    [Fact]
    public void The_launch_of_an_instance_carries_its_index()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Started(1), Started(2), RemoveInstance("web", 0, request: 2, at: 10), Exited(1, 143, at: 11));

        var then = given.When(Scale("web", 2, request: 3, at: 20));

        Assert.Equal<Effect>([Launch(3, web, instance: 2, attempt: 1, index: 0), Ok(3, 1)], then.Effects);
        Assert.Equal("0", Assert.IsType<Effect.Launch>(then.Effects[0]).Request.InstanceProgram().Environment["KRUST_PM_INDEX"]);
    }
}
