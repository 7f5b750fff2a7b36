using KrustPm.Engine.Linux;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// <see cref="StartPreflight"/> finds what the launcher would refuse, with the launcher's own lookups and messages,
/// without starting anything.
/// </summary>
public sealed class StartPreflightTests
{
    private static ProgramSpec Spec(string command) => new("web", command, [command]) { WorkingDirectory = "/" };

    [Fact]
    public void An_executable_found_in_PATH_and_a_program_without_user_have_no_problem()
    {
        var spec = Spec("sh");

        Assert.Null(StartPreflight.ExecutableProblem(spec));
        Assert.Null(StartPreflight.UserProblem(spec));
    }

    [Fact]
    public void A_missing_executable_is_named_with_the_PATH_searched()
    {
        var spec = Spec("krust-no-such-program") with { Environment = Spec("x").Environment.Add("PATH", "/nowhere:/bin") };

        Assert.Equal(
            "command not found: 'krust-no-such-program' is not an executable file in PATH (/nowhere:/bin)",
            StartPreflight.ExecutableProblem(spec));
    }

    [Fact]
    public void A_relative_path_is_looked_up_from_the_working_directory()
    {
        Assert.Equal("no such file: '/nope/run.sh'", StartPreflight.ExecutableProblem(Spec("./nope/run.sh")));
        Assert.Null(StartPreflight.ExecutableProblem(Spec("./bin/sh")));
    }

    [Fact]
    public void A_missing_user_gives_the_message_a_launch_would()
    {
        var spec = Spec("sh") with { User = "krust-no-such-user" };

        Assert.Equal("cannot run as user 'krust-no-such-user': no such user", StartPreflight.UserProblem(spec));
    }

    [Fact]
    public void The_user_krust_pm_runs_as_is_no_problem()
    {
        var spec = Spec("sh") with { User = Environment.UserName };

        Assert.Null(StartPreflight.UserProblem(spec));
    }
}
