using System.Reflection;
using System.Runtime.Versioning;

namespace KrustPm.Engine.Tests;

/// <summary><see cref="ProgramSpec"/> as an embedder meets it: built from a command line, compared by value.</summary>
public class ProgramSpecTests
{
    [Fact]
    public void FromCommandLine_splits_by_shell_quoting_and_keeps_the_line_as_written()
    {
        var spec = ProgramSpec.FromCommandLine("web", "python3 -m http.server 8000 --bind '127.0.0.1' --directory \"my site\"");

        Assert.Equal("web", spec.Name);
        Assert.Equal("python3 -m http.server 8000 --bind '127.0.0.1' --directory \"my site\"", spec.Command);
        Assert.Equal(["python3", "-m", "http.server", "8000", "--bind", "127.0.0.1", "--directory", "my site"], spec.Argv);
        Assert.Equal(new ProgramSpec("web", spec.Command, spec.Argv), spec);
    }

    [Fact]
    public void FromCommandLine_does_not_expand_variables() =>
        Assert.Equal(["echo", "$HOME"], ProgramSpec.FromCommandLine("e", "echo $HOME").Argv);

    [Theory]
    [InlineData("sleep 'forever", "unterminated single quote starting at character 7")]
    [InlineData("   ", "the command is empty")]
    [InlineData("ls \\", "trailing backslash")]
    public void FromCommandLine_refuses_a_line_that_does_not_split_and_says_why(string line, string why)
    {
        var error = Assert.Throws<ArgumentException>(() => ProgramSpec.FromCommandLine("web", line));

        Assert.Equal("commandLine", error.ParamName);
        Assert.Contains("program 'web'", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_specs_built_alike_are_equal_with_the_same_hash_though_their_lists_are_different_arrays()
    {
        var a = Build();
        var b = Build();

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Single(new HashSet<ProgramSpec> { a, b });
    }

    [Fact]
    public void Specs_that_differ_in_a_list_a_table_or_a_value_are_not_equal()
    {
        var spec = Build();

        Assert.NotEqual(spec, spec with { Groups = ["front", "back"] });
        Assert.NotEqual(spec, spec with { SuccessExitCodes = [0] });
        Assert.NotEqual(spec, spec with { Argv = ["sleep", "301"] });
        Assert.NotEqual(spec, spec with { Environment = spec.Environment.SetItem("A", "2") });
        Assert.NotEqual(spec, spec with { Instances = 3 });
        Assert.False(spec.Equals(null));
    }

    [Fact]
    public void The_engine_says_it_runs_on_linux_only_so_other_platforms_get_CA1416()
    {
        var platforms = typeof(ProcessEngine).Assembly.GetCustomAttributes<SupportedOSPlatformAttribute>().Select(a => a.PlatformName);

        Assert.Equal(["linux"], platforms);
    }

    private static ProgramSpec Build() => new("web", "sleep 300", ["sleep", "300"])
    {
        Groups = ["front"],
        SuccessExitCodes = [0, 2],
        Environment = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal).Add("A", "1"),
        Instances = 2,
    };
}
