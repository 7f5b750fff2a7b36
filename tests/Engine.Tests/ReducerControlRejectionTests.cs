using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>What every control command (stop, start, restart, rolling restart, remove, signal) refuses, and how.</summary>
public class ReducerControlRejectionTests
{
    public static readonly TheoryData<string> Commands = ["stop", "start", "restart", "rolling", "remove", "signal"];

    /// <summary>The commands that may leave out the instance (remove always names one).</summary>
    public static readonly TheoryData<string> ProgramCommands = ["stop", "start", "restart", "rolling", "signal"];

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_command_for_an_unknown_program_is_rejected_NotFound(string command)
    {
        var given = Scenario.Given(Load(Spec()), Started(1));

        var then = given.When(Command(command, "ghost", 0, request: 2, at: 10));

        Assert.Contains("'ghost'", then.AssertRejected(2, RejectionKind.NotFound), StringComparison.Ordinal);
        Scenario.AssertUnchanged(given, then);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_command_for_an_instance_that_never_existed_is_rejected_NotFound_naming_it(string command)
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2));

        var then = given.When(Command(command, "web", 7, request: 2, at: 10));

        Assert.Equal("Program 'web' has no instance 7.", then.AssertRejected(2, RejectionKind.NotFound));
        Scenario.AssertUnchanged(given, then);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_command_for_an_instance_that_was_removed_is_rejected_NotFound(string command)
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), RemoveInstance("web", 0, request: 2, at: 10));

        var then = given.When(Command(command, "web", 0, request: 3, at: 20));

        Assert.Equal("Program 'web' has no instance 0.", then.AssertRejected(3, RejectionKind.NotFound));
        Scenario.AssertUnchanged(given, then);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_command_during_shutdown_is_rejected_Conflict(string command)
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), Shutdown(request: 2, at: 10));

        foreach (var (instance, request) in new[] { ((long?)null, 3L), (0L, 4L) })
        {
            var then = given.When(Command(command, "web", instance, request, at: 20));

            Assert.Contains("shutting down", then.AssertRejected(request, RejectionKind.Conflict), StringComparison.Ordinal);
            Scenario.AssertUnchanged(given, then);
        }
    }

    [Theory]
    [MemberData(nameof(ProgramCommands))]
    public void A_command_for_a_program_without_instances_affects_nothing(string command)
    {
        var given = Scenario.Given(Load(Spec(instances: 0)));

        var then = given.When(Command(command, "web", null, request: 2, at: 10));

        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    /// <summary>The command named <paramref name="command"/>; remove, which needs an instance, takes instance 0 for "all".</summary>
    private static Message Command(string command, string program, long? instance, long request, int at) => command switch
    {
        "stop" => StopInstances(program, instance, request, at),
        "start" => StartInstances(program, instance, request, at),
        "restart" => RestartInstances(program, instance, request, at),
        "rolling" => RestartInstances(program, instance, request, at, rolling: true),
        "remove" => RemoveInstance(program, instance ?? 0, request, at),
        "signal" => SignalInstances(program, instance, Signals.Hangup, request, at),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
    };
}
