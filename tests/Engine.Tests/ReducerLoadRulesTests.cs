using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Load refuses specs the operating system could not carry out: program names that cannot be file names or URL path
/// segments (<see cref="ProgramRules.NameProblem"/>), and NUL characters in what becomes a C string.
/// </summary>
public sealed class ReducerLoadRulesTests
{
    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("-web")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("web:0")]
    [InlineData("caf\u00e9")]
    [InlineData("line\nbreak")]
    public void Load_of_a_program_whose_name_is_not_a_safe_file_name_is_rejected_Invalid(string name)
    {
        var then = Scenario.Given().When(Load(Spec("web") with { Name = name }));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal(RejectionKind.Invalid, reply.Result.Rejection);
        Assert.DoesNotContain("\n", reply.Result.Reason, StringComparison.Ordinal);
        Assert.Empty(then.State.Programs);
    }

    [Fact]
    public void Load_of_a_program_whose_name_is_longer_than_64_characters_is_rejected_Invalid()
    {
        var then = Scenario.Given().When(Load(Spec(new string('a', 65))));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal(RejectionKind.Invalid, reply.Result.Rejection);
        Assert.Contains("1 to 64 characters; this one has 65", reply.Result.Reason, StringComparison.Ordinal);
        Assert.Empty(then.State.Programs);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("good_sleeper")]
    [InlineData("db.primary")]
    [InlineData("api-v2")]
    [InlineData("_internal")]
    [InlineData("9lives")]
    public void Load_accepts_names_of_letters_digits_underscores_dots_and_dashes(string name)
    {
        var then = Scenario.Given().When(Load(Spec(name)));

        Assert.Equal(name, Assert.Single(then.State.Programs).Name);
    }

    [Fact]
    public void Load_accepts_a_name_of_exactly_64_characters()
    {
        var name = new string('a', 64);

        var then = Scenario.Given().When(Load(Spec(name)));

        Assert.Equal(name, Assert.Single(then.State.Programs).Name);
    }

    [Fact]
    public void Load_of_a_command_with_a_NUL_character_is_rejected_Invalid()
    {
        var then = Scenario.Given().When(Load(Spec("web") with { Argv = ["/bin/sleep", "1\0x"] }));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal(RejectionKind.Invalid, reply.Result.Rejection);
        Assert.Contains("NUL", reply.Result.Reason, StringComparison.Ordinal);
        Assert.Empty(then.State.Programs);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("workdir")]
    [InlineData("env")]
    public void Load_of_a_user_working_directory_or_variable_with_a_NUL_character_is_rejected_Invalid(string where)
    {
        var spec = Spec("web");
        spec = where switch
        {
            "user" => spec with { User = "no\0body" },
            "workdir" => spec with { WorkingDirectory = "/tmp\0/x" },
            _ => spec with { Environment = spec.Environment.Add("A", "b\0c") },
        };

        var then = Scenario.Given().When(Load(spec));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal(RejectionKind.Invalid, reply.Result.Rejection);
        Assert.Empty(then.State.Programs);
    }

    [Theory]
    [InlineData("web", null)]
    [InlineData("a-b.c_d", null)]
    [InlineData("", "a name needs 1 to 64 characters")]
    [InlineData("..", "a name must start with a letter, a digit or '_'")]
    [InlineData("-web", "a name must start with a letter, a digit or '_'")]
    [InlineData("a b", "use only ASCII letters, digits, '_', '-' and '.'")]
    public void NameProblem_says_what_is_wrong_with_a_name(string name, string? expected)
    {
        var problem = ProgramRules.NameProblem(name);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        }
    }
}
