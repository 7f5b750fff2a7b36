using System.Text.RegularExpressions;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// A live reload of a real krust-pm with real processes: <c>krust-pm reload</c> after editing the file, a file that
/// does not load, and <c>watch_config</c> with an editor's save (write a temporary file, rename it into place).
/// </summary>
public sealed partial class ReloadEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const string Before = """
        server-port = "127.0.0.1:{port}"
        {watch}
        [keep]
        command = "sleep 300"

        [change]
        command = "sleep 301"

        [gone]
        command = "sleep 302"
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-reload-").FullName;

    private string ConfigPath => Path.Combine(_folder, "krust-pm.toml");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Reload_keeps_an_unchanged_programs_processes_restarts_a_changed_one_and_stops_a_removed_one()
    {
        await using var krust = await StartAsync(watch: false);
        var before = Pids(await krust.GetProgramsAsync());

        Save(Current().Replace("sleep 301", "sleep 303", StringComparison.Ordinal).Replace("[gone]\ncommand = \"sleep 302\"", "[fresh]\ncommand = \"sleep 304\"", StringComparison.Ordinal));
        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "reload");

        Assert.Equal(0, exitCode);
        Assert.Contains($"{ConfigPath}: reloaded: 1 added, 1 removed, 1 restarted, 0 changed in place, 1 unchanged", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^= keep +unchanged$", output);
        Assert.Matches(@"(?m)^~ change +restarted \(command\)$", output);
        Assert.Matches(@"(?m)^\+ fresh +added$", output);
        Assert.Matches(@"(?m)^- gone +removed$", output);
        var after = Pids(await krust.WaitForAsync(programs => Names(programs) == "keep,change,fresh" && programs.EnumerateArray().All(AllRunning)
            && Pids(programs)["change"] != before["change"]));
        Assert.Equal(before["keep"], after["keep"]);
        Assert.True(ProcFs.IsAlive(after["keep"]));
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(before["change"], TimeSpan.FromSeconds(5)));
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(before["gone"], TimeSpan.FromSeconds(5)));
        Assert.EndsWith("sleep 303", Command(after["change"]), StringComparison.Ordinal);
        Assert.EndsWith("sleep 304", Command(after["fresh"]), StringComparison.Ordinal);
        Assert.Contains("reload: change restarted (command)", krust.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_file_that_does_not_load_leaves_everything_running_and_reload_exits_2_with_the_located_problems()
    {
        await using var krust = await StartAsync(watch: false);
        var before = Pids(await krust.GetProgramsAsync());

        Save(Current().Replace("command = \"sleep 301\"", "command = \"sleep 301\"\nmax_retries = \"three\"", StringComparison.Ordinal));

        // Found through the file (which does not load here), and through --url (the running krust-pm reads it and answers 422).
        foreach (var args in new[] { new[] { "reload" }, ["reload", "--url", $"http://127.0.0.1:{krust.Port}"] })
        {
            var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, args);

            Assert.True(exitCode == 2, output);
            Assert.Equal(
                [
                    $"krust-pm: {ConfigPath}:8: program 'change': key 'max_retries': expected a non-negative integer, got string \"three\"",
                    "krust-pm: 1 problem(s) in the configuration; nothing was changed, krust-pm keeps running with its configuration.",
                ],
                output.Trim().Split('\n'));
        }

        Assert.Equal(before, Pids(await krust.GetProgramsAsync()));
        Assert.All(before.Values, pid => Assert.True(ProcFs.IsAlive(pid)));
        Assert.Contains($"reload: {ConfigPath} has 1 problem(s), nothing was changed", krust.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task SIGHUP_reloads_the_file_and_a_broken_file_is_logged_with_its_located_problems_changing_nothing()
    {
        await using var krust = await StartAsync(watch: false);
        var before = Pids(await krust.GetProgramsAsync());

        Save(Current().Replace("sleep 301", "sleep 303", StringComparison.Ordinal));
        krust.Send(1);

        var after = Pids(await krust.WaitForAsync(programs => programs.EnumerateArray().All(AllRunning) && Pids(programs)["change"] != before["change"]));
        Assert.Contains($"SIGHUP received: reloading {ConfigPath}", krust.Stderr, StringComparison.Ordinal);
        Assert.Contains("configuration reloaded: 0 added, 0 removed, 1 restarted, 0 changed in place, 2 unchanged", krust.Stderr, StringComparison.Ordinal);
        Assert.Equal((before["keep"], before["gone"]), (after["keep"], after["gone"]));
        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(before["change"], TimeSpan.FromSeconds(5)));

        Save(Current() + "\n[broken]\ncommand = 3\n");
        krust.Send(1);

        var problem = $"{ConfigPath}:12: program 'broken': key 'command'";
        await Eventually.Assert(() => krust.Stderr.Contains(problem, StringComparison.Ordinal), "the broken file's problem is logged");
        Assert.Contains($"reload: {ConfigPath} has 1 problem(s), nothing was changed and the running configuration is kept: {problem}", krust.Stderr, StringComparison.Ordinal);
        Assert.Equal(after, Pids(await krust.GetProgramsAsync()));
        Assert.All(after.Values, pid => Assert.True(ProcFs.IsAlive(pid)));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task With_watch_config_an_editors_save_by_rename_reloads_exactly_once()
    {
        await using var krust = await StartAsync(watch: true);
        var before = Pids(await krust.GetProgramsAsync());
        await Eventually.Assert(() => krust.Stderr.Contains("watching " + ConfigPath, StringComparison.Ordinal), "krust-pm watches its file");

        // An editor's save: the whole new file written beside, then renamed over the old one.
        SaveByRename(Current() + "\n[added]\ncommand = \"sleep 305\"\n");
        await krust.WaitForAsync(programs => Names(programs) == "keep,change,gone,added" && programs.EnumerateArray().All(AllRunning));

        // A second, different save: once its reload is seen, any second reload of the first save would have come before it.
        SaveByRename(Current() + "\n[another]\ncommand = \"sleep 306\"\n");
        await krust.WaitForAsync(programs => Names(programs) == "keep,change,gone,added,another" && programs.EnumerateArray().All(AllRunning));

        var reloads = Reloaded().Matches(krust.Stderr).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["1 added, 0 removed, 0 restarted, 0 changed in place, 3 unchanged", "1 added, 0 removed, 0 restarted, 0 changed in place, 4 unchanged"], reloads);
        var after = Pids(await krust.GetProgramsAsync());
        Assert.All(before, program => Assert.Equal(program.Value, after[program.Key]));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private async Task<KrustPmProcess> StartAsync(bool watch)
    {
        await File.WriteAllTextAsync(ConfigPath, Before.Replace("{watch}", watch ? "watch_config = true" : string.Empty, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var krust = KrustPmProcess.Start(krustPm.Executable, ConfigPath);
        await krust.WaitForAsync(programs => programs.GetArrayLength() == 3 && programs.EnumerateArray().All(AllRunning));
        return krust;
    }

    /// <summary>The file as krust-pm was started on (with its port).</summary>
    private string Current() => File.ReadAllText(ConfigPath);

    private void Save(string text) => File.WriteAllText(ConfigPath, text);

    private void SaveByRename(string text)
    {
        var temporary = Path.Combine(_folder, ".krust-pm.toml.swp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    private static bool AllRunning(JsonElement program) =>
        program.GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running" && i.TryGetProperty("pid", out _));

    private static string Names(JsonElement programs) => string.Join(',', programs.EnumerateArray().Select(p => p.GetProperty("name").GetString()));

    private static Dictionary<string, int> Pids(JsonElement programs) =>
        programs.EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("instances")[0].GetProperty("pid").GetInt32());

    /// <summary>The command line of a process, as /proc has it.</summary>
    private static string Command(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');

    [GeneratedRegex("configuration reloaded: (.*)$", RegexOptions.Multiline)]
    private static partial Regex Reloaded();
}
