using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary><c>depends_on</c> and <c>restart_with</c>: every way to write them, and every problem, at its line.</summary>
public sealed class ConfigLoaderDependencyTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    private const string Programs = """
        [db]
        command = "db"

        [migrate]
        command = "migrate"

        [cache]
        command = "cache"

        """;

    [Fact]
    public void Without_depends_on_a_program_has_no_dependencies_and_no_restart_with()
    {
        var spec = Program(Programs, "db");

        Assert.Empty(spec.DependsOn);
        Assert.False(spec.RestartWith);
    }

    [Theory]
    [InlineData("depends_on = { db = \"healthy\", migrate = \"completed_successfully\", cache = \"started\" }\n")]
    [InlineData("depends_on.db = \"healthy\"\ndepends_on.migrate = \"completed_successfully\"\ndepends_on.cache = \"started\"\n")]
    [InlineData("\n[web.depends_on]\ndb = \"healthy\"\nmigrate = \"completed_successfully\"\ncache = \"started\"\n")]
    public void Depends_on_is_an_inline_table_dotted_keys_or_a_table(string keys)
    {
        var spec = Program($"{Programs}[web]\ncommand = \"web\"\n{keys}", "web");

        Assert.Equal(
            ["cache=Started", "db=Healthy", "migrate=CompletedSuccessfully"],
            spec.DependsOn.Select(d => $"{d.Key}={d.Value}"));
    }

    [Fact]
    public void A_depends_on_table_may_come_before_its_program()
    {
        var spec = Program($"{Programs}[web.depends_on]\ndb = \"healthy\"\n\n[web]\ncommand = \"web\"\n", "web");

        Assert.Equal(DependencyCondition.Healthy, spec.DependsOn["db"]);
    }

    [Fact]
    public void An_array_of_names_means_started_for_each()
    {
        var spec = Program($"{Programs}[web]\ncommand = \"web\"\ndepends_on = [\"db\", \"cache\"]\n", "web");

        Assert.Equal(["cache=Started", "db=Started"], spec.DependsOn.Select(d => $"{d.Key}={d.Value}"));
    }

    [Theory]
    [InlineData("started", DependencyCondition.Started)]
    [InlineData("healthy", DependencyCondition.Healthy)]
    [InlineData("healthy_all", DependencyCondition.HealthyAll)]
    [InlineData("completed_successfully", DependencyCondition.CompletedSuccessfully)]
    [InlineData("completed", DependencyCondition.Completed)]
    public void Every_condition_has_its_name(string name, DependencyCondition condition) =>
        Assert.Equal(condition, Program($"{Programs}[web]\ncommand = \"web\"\ndepends_on = {{ db = \"{name}\" }}\n", "web").DependsOn["db"]);

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Restart_with_is_read(string value, bool expected) =>
        Assert.Equal(expected, Program($"{Programs}[web]\ncommand = \"web\"\ndepends_on = [\"db\"]\nrestart_with = {value}\n", "web").RestartWith);

    [Theory]
    [InlineData("depends_on = { db = \"up\" }", 3,
        "key 'depends_on': dependency 'db': expected one of \"started\", \"healthy\", \"healthy_all\", \"completed_successfully\", \"completed\", got string \"up\"")]
    [InlineData("depends_on = { db = true }", 3,
        "key 'depends_on': dependency 'db': expected one of \"started\", \"healthy\", \"healthy_all\", \"completed_successfully\", \"completed\", got boolean true")]
    [InlineData("depends_on = \"db\"", 3,
        "key 'depends_on': expected a table of programs and conditions such as { db = \"healthy\" }, or an array of program names, got string \"db\"")]
    [InlineData("depends_on = [\"db\", 5]", 3, "key 'depends_on': item 2: expected a program name, got integer 5")]
    [InlineData("depends_on = [\"db\", \"\"]", 3, "key 'depends_on': item 2: expected a program name, got string \"\"")]
    [InlineData("depends_on = [\"db\", \"db\"]", 3, "key 'depends_on': item 2: 'db' is listed twice")]
    [InlineData("restart_with = \"yes\"", 3, "key 'restart_with': expected true or false, got string \"yes\"")]
    public void Bad_dependency_values_are_reported_with_line_program_and_key(string line, int lineNumber, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n[db]\ncommand = \"db\"\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:{lineNumber}: program 'web': {message}", problem.ToString());
    }

    [Fact]
    public void A_bad_condition_in_a_table_is_reported_at_its_own_line()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[db]\ncommand = \"db\"\n[web]\ncommand = \"x\"\n[web.depends_on]\n\ndb = \"ready\"\n", ConfigPath).Problems);

        Assert.Equal(7, problem.Line);
        Assert.Equal("depends_on", problem.Key);
    }

    [Fact]
    public void An_unknown_program_is_reported_at_the_depends_on_line_with_a_suggestion()
    {
        var problems = ConfigLoader.Parse("[db]\ncommand = \"db\"\n\n[web]\ncommand = \"x\"\ndepends_on = { dbb = \"healthy\", nope = \"started\" }\n", ConfigPath).Problems;

        Assert.Equal(
            [
                $"{ConfigPath}:6: program 'web': key 'depends_on': no program is named 'dbb' (did you mean 'db'?)",
                $"{ConfigPath}:6: program 'web': key 'depends_on': no program is named 'nope'",
            ],
            problems.Select(p => p.ToString()));
        Assert.All(problems, p => Assert.Equal(("web", "depends_on"), (p.Program, p.Key)));
    }

    [Fact]
    public void A_program_that_depends_on_itself_is_reported()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\ndepends_on = [\"web\"]\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:3: program 'web': key 'depends_on': a program cannot depend on itself", problem.ToString());
    }

    [Fact]
    public void A_cycle_of_two_is_reported_once_with_its_path()
    {
        var text = """
            [a]
            command = "a"
            depends_on = ["b"]

            [b]
            command = "b"
            depends_on = { a = "healthy" }
            """;

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:7: program 'b': key 'depends_on': dependency cycle: a -> b -> a", problem.ToString());
    }

    [Fact]
    public void A_cycle_of_three_is_reported_once_with_its_path()
    {
        var text = """
            [a]
            command = "a"
            depends_on = ["b"]

            [b]
            command = "b"

            [b.depends_on]
            c = "started"

            [c]
            command = "c"
            depends_on.a = "completed"
            """;

        var result = ConfigLoader.Parse(text, ConfigPath);

        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.Equal($"{ConfigPath}:13: program 'c': key 'depends_on': dependency cycle: a -> b -> c -> a", problem.ToString());
    }

    [Fact]
    public void A_program_with_other_problems_still_counts_as_a_name_and_in_cycles()
    {
        var text = """
            [web]
            command = "x"
            depends_on = ["db"]

            [db]
            depends_on = ["web"]
            """;

        var problems = ConfigLoader.Parse(text, ConfigPath).Problems.Select(p => p.ToString());

        Assert.Equal(
            [
                $"{ConfigPath}:5: program 'db': missing required key 'command'",
                $"{ConfigPath}:6: program 'db': key 'depends_on': dependency cycle: web -> db -> web",
            ],
            problems);
    }

    [Fact]
    public void A_depends_on_table_without_its_program_is_reported()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[db]\ncommand = \"db\"\n\n[web.depends_on]\ndb = \"healthy\"\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:4: program 'web': [web.depends_on] has no program table [web]", problem.ToString());
    }

    private static ProgramSpec Program(string text, string name)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return Assert.Single(result.Config.Programs, p => p.Name == name);
    }
}
