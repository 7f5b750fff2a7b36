using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary><c>include = ["conf.d/*.toml"]</c>: other files' programs merged in order, each problem in its own file.</summary>
public sealed class ConfigIncludeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-include-").FullName;

    private string Main => Path.Combine(_folder, "krust-pm.toml");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Programs_of_the_included_files_follow_the_main_files_in_pattern_then_name_order()
    {
        Write("krust-pm.toml", "include = [\"conf.d/*.toml\", \"extra.toml\"]\n\n[main]\ncommand = \"sleep 1\"\n");
        Write("conf.d/b.toml", "[b]\ncommand = \"sleep 1\"\nworkdir = \".\"\n");
        Write("conf.d/a.toml", "[a]\ncommand = \"sleep 1\"\ndepends_on = [\"main\", \"c\"]\n");
        Write("conf.d/notes.txt", "not a config");
        Write("extra.toml", "[c]\ncommand = \"sleep 1\"\n");

        var result = ConfigLoader.Load(Main);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(["main", "a", "b", "c"], result.Config.Programs.Select(p => p.Name));
        Assert.Equal(Path.Combine(_folder, "conf.d"), result.Config.Programs[2].WorkingDirectory); // relative to its own file
        Assert.Equal(_folder, result.Config.Programs[0].WorkingDirectory);
        Assert.Equal([Path.Combine(_folder, "conf.d", "a.toml"), Path.Combine(_folder, "conf.d", "b.toml"), Path.Combine(_folder, "extra.toml")], result.Config.IncludedFiles);
    }

    [Fact]
    public void A_pattern_that_matches_nothing_is_fine_but_a_missing_file_is_a_located_error()
    {
        Write("krust-pm.toml", "include = [\"conf.d/*.toml\",\n  \"missing.toml\"]\n[main]\ncommand = \"sleep 1\"\n");

        var result = ConfigLoader.Load(Main);

        Assert.Equal([$"{Main}:2: key 'include': file not found: {Path.Combine(_folder, "missing.toml")}"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_program_defined_in_two_files_is_an_error_naming_both()
    {
        Write("krust-pm.toml", "include = \"conf.d/*.toml\"\n\n[web]\ncommand = \"sleep 1\"\n");
        Write("conf.d/web.toml", "# again\n[web]\ncommand = \"sleep 2\"\n");

        var result = ConfigLoader.Load(Main);

        Assert.Equal(
            [$"{Path.Combine(_folder, "conf.d", "web.toml")}:2: program 'web': program defined twice: first in {Main}:3"],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void An_include_cycle_is_an_error_where_the_include_closes_it()
    {
        Write("krust-pm.toml", "include = [\"a.toml\"]\n");
        Write("a.toml", "include = [\"b.toml\"]\n[a]\ncommand = \"sleep 1\"\n");
        Write("b.toml", "\ninclude = [\"a.toml\"]\n");

        var result = ConfigLoader.Load(Main);

        var a = Path.Combine(_folder, "a.toml");
        var b = Path.Combine(_folder, "b.toml");
        Assert.Equal([$"{b}:2: key 'include': include cycle: {a} -> {b} -> {a}"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Problems_of_an_included_file_name_that_file_and_its_lines_and_dependencies_cross_files()
    {
        Write("krust-pm.toml", "include = [\"conf.d/*.toml\"]\n[db]\ncommand = \"sleep 1\"\n");
        Write("conf.d/web.toml", "log_dir = \"x\"\n[web]\ncommand = \"sleep 1\"\nmax_retries = -1\ndepends_on = [\"db\", \"cache\"]\n");

        var result = ConfigLoader.Load(Main);

        var web = Path.Combine(_folder, "conf.d", "web.toml");
        Assert.Equal(
            [
                $"{web}:1: top-level key 'log_dir' belongs in the main configuration file ({Main}); an included file holds programs (and include)",
                $"{web}:4: program 'web': key 'max_retries': expected a non-negative integer, got -1",
                $"{web}:5: program 'web': key 'depends_on': no program is named 'cache'",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_is_reported_in_that_file()
    {
        Write("krust-pm.toml", "include = [\"bad.toml\"]\n");
        Write("bad.toml", "[web\n");

        var problem = Assert.Single(ConfigLoader.Load(Main).Problems);

        Assert.StartsWith($"{Path.Combine(_folder, "bad.toml")}:1: syntax error", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include = 5", "key 'include': expected file paths or patterns such as [\"conf.d/*.toml\"], got integer 5")]
    [InlineData("include = [\"conf.d\"]", "key 'include': {folder}/conf.d is a directory; include its files with a pattern such as \"conf.d/*.toml\"")]
    public void A_bad_include_is_a_located_error(string line, string message)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "conf.d"));
        Write("krust-pm.toml", line + "\n");

        var problem = Assert.Single(ConfigLoader.Load(Main).Problems);

        Assert.Equal($"{Main}:1: {message.Replace("{folder}", _folder, StringComparison.Ordinal)}", problem.ToString());
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
