namespace KrustPm.Engine.Tests;

/// <summary><see cref="Placeholders"/>: one grammar that checks a template and expands it for an instance.</summary>
public class PlaceholdersTests
{
    private static readonly PlaceholderValues Web3 = new("web", Id: 7, Index: 3, Port: 8003);

    [Theory]
    [InlineData("gunicorn -b 127.0.0.1:{port}", "gunicorn -b 127.0.0.1:8003")]
    [InlineData("/var/log/{program}-{id}.log", "/var/log/web-7.log")]
    [InlineData("{index}", "3")]
    [InlineData("worker-{index}-of-{program}", "worker-3-of-web")]
    [InlineData("no placeholders here", "no placeholders here")]
    public void Expand_replaces_each_placeholder_with_the_instance_value(string template, string expected)
    {
        Assert.Equal(expected, Placeholders.Expand(template, Web3));
        Assert.Empty(Placeholders.Check(template, hasPortBase: true));
    }

    [Theory]
    [InlineData("{{index}}", "{index}")]
    [InlineData("a{{b", "a{b")]
    [InlineData("a}}b", "a}b")]
    [InlineData("{{{index}}}", "{3}")]
    public void Doubled_braces_are_literal_braces(string template, string expected)
    {
        Assert.Equal(expected, Placeholders.Expand(template, Web3));
        Assert.Empty(Placeholders.Check(template, hasPortBase: false));
    }

    [Theory]
    [InlineData("awk '{print $1}'")]
    [InlineData("find . -exec rm {} ;")]
    [InlineData("echo {a,b}")]
    [InlineData("{ echo hi; }")]
    [InlineData("json={\"k\": 1}")]
    [InlineData("lone } brace")]
    public void Braces_around_anything_but_a_bare_identifier_are_left_as_written(string template)
    {
        Assert.Equal(template, Placeholders.Expand(template, Web3));
        Assert.Empty(Placeholders.Check(template, hasPortBase: false));
    }

    [Fact]
    public void An_unknown_bare_identifier_is_a_problem_naming_it()
    {
        var problems = Placeholders.Check("run {nope} and {index}", hasPortBase: false);

        var problem = Assert.Single(problems);
        Assert.StartsWith("unknown placeholder {nope}", problem);
    }

    [Fact]
    public void A_placeholder_never_closed_is_a_problem()
    {
        var problem = Assert.Single(Placeholders.Check("--port={index", hasPortBase: false));

        Assert.StartsWith("placeholder {index is not closed", problem);
    }

    [Fact]
    public void Port_without_a_port_base_is_a_problem_and_with_one_is_fine()
    {
        var problem = Assert.Single(Placeholders.Check("-b :{port}", hasPortBase: false));

        Assert.Contains("port_base", problem);
        Assert.Empty(Placeholders.Check("-b :{port}", hasPortBase: true));
    }

    [Fact]
    public void Every_problem_of_a_template_is_reported()
    {
        Assert.Equal(3, Placeholders.Check("{a} {port} {b", hasPortBase: false).Length);
    }

    [Fact]
    public void Values_of_an_instance_take_the_port_from_the_port_base_plus_the_index()
    {
        var spec = Given.Spec("web") with { PortBase = 8000 };

        Assert.Equal(new PlaceholderValues("web", 12, 2, 8002), PlaceholderValues.Of(spec, id: 12, index: 2));
        Assert.Null(PlaceholderValues.Of(Given.Spec("web"), id: 12, index: 2).Port);
    }
}
