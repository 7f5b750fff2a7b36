using System.Text.Json;
using KrustPm.Host.Cli;

namespace KrustPm.Host.Tests.Cli;

/// <summary>What <c>krust-pm wait</c> decides from a program as the API shows it.</summary>
public sealed class WaitConditionTests
{
    [Theory]
    [InlineData("Running,Running", "Running", "Reached")]
    [InlineData("Running,Backoff", "Running", "Pending")]
    [InlineData("Running,Started", "Running", "Pending")]
    [InlineData("Running,Waiting", "Running", "Pending")]
    [InlineData("Running,RetriesExceeded", "Running", "Unreachable")]
    [InlineData("Running,Failed", "Ready", "Unreachable")]
    [InlineData("Running,Stopped", "Running", "Unreachable")]
    [InlineData("Running,Blocked", "Running", "Unreachable")]
    [InlineData("Done,Done", "Done", "Reached")]
    [InlineData("Done,Running", "Done", "Pending")]
    [InlineData("Done,Failed", "Done", "Unreachable")]
    [InlineData("Done,Stopped", "Done", "Unreachable")]
    [InlineData("Stopped,Done,Failed,RetriesExceeded", "Stopped", "Reached")]
    [InlineData("Stopped,Stopping", "Stopped", "Pending")]
    [InlineData("Stopped,Running", "Stopped", "Pending")]
    public void Every_instance_decides_and_one_that_cannot_get_there_ends_the_wait(string statuses, string wanted, string verdict)
    {
        var program = Program(statuses.Split(',').Select((s, id) => $$"""{ "id": {{id}}, "status": "{{s}}" }"""));

        Assert.Equal(Enum.Parse<WaitVerdict>(verdict), WaitCondition.Check(program, null, Enum.Parse<WaitFor>(wanted)).Verdict);
    }

    [Fact]
    public void Ready_needs_the_probe_to_pass_when_the_program_has_one_and_is_running_when_it_has_none()
    {
        var probed = Program([
            """{ "id": 0, "status": "Running", "ready": true }""",
            """{ "id": 1, "status": "Running", "ready": false }""",
        ]);
        var plain = Program(["""{ "id": 0, "status": "Running" }"""]);

        Assert.Equal((WaitVerdict.Pending, "web.1 Running (not ready)"), WaitCondition.Check(probed, null, WaitFor.Ready));
        Assert.Equal(WaitVerdict.Reached, WaitCondition.Check(probed, 0, WaitFor.Ready).Verdict);
        Assert.Equal(WaitVerdict.Reached, WaitCondition.Check(plain, null, WaitFor.Ready).Verdict);
    }

    [Fact]
    public void One_instance_is_judged_alone_and_an_unknown_one_ends_the_wait()
    {
        var program = Program(["""{ "id": 0, "status": "Running" }""", """{ "id": 4, "status": "RetriesExceeded" }"""]);

        Assert.Equal(WaitVerdict.Reached, WaitCondition.Check(program, 0, WaitFor.Running).Verdict);
        Assert.Equal((WaitVerdict.Unreachable, "web.4 is RetriesExceeded"), WaitCondition.Check(program, 4, WaitFor.Running));
        Assert.Equal((WaitVerdict.Unreachable, "web has no instance 7"), WaitCondition.Check(program, 7, WaitFor.Running));
    }

    [Fact]
    public void A_program_without_instances_is_stopped_and_not_yet_running()
    {
        var empty = Program([]);

        Assert.Equal(WaitVerdict.Reached, WaitCondition.Check(empty, null, WaitFor.Stopped).Verdict);
        Assert.Equal(WaitVerdict.Pending, WaitCondition.Check(empty, null, WaitFor.Running).Verdict);
    }

    private static JsonElement Program(IEnumerable<string> instances) =>
        JsonDocument.Parse($$"""{ "name": "web", "instances": [{{string.Join(',', instances)}}] }""").RootElement.Clone();
}
