using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>include = ["conf.d/*.toml"]</c> on a real krust-pm with <c>watch_config</c>: a file dropped into <c>conf.d</c>
/// adds its program, an edit of an included file restarts its program, and nothing is left at the end.
/// </summary>
public sealed class IncludeEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-include-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_file_dropped_into_an_included_folder_is_loaded_and_an_edit_of_one_is_reloaded()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        Directory.CreateDirectory(Path.Combine(_folder, "conf.d"));
        await File.WriteAllTextAsync(config, "server-port = \"127.0.0.1:{port}\"\nwatch_config = true\ninclude = [\"conf.d/*.toml\"]\n\n[main]\ncommand = \"sleep 300\"\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_folder, "conf.d", "a.toml"), "[a]\ncommand = \"sleep 301\"\n", TestContext.Current.CancellationToken);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        var started = await krust.WaitForAsync(programs => Names(programs) == "main,a" && Running(programs));

        await File.WriteAllTextAsync(Path.Combine(_folder, "conf.d", "b.toml"), "[b]\ncommand = \"sleep 302\"\n", TestContext.Current.CancellationToken);
        var added = await krust.WaitForAsync(programs => Names(programs) == "main,a,b" && Running(programs));
        Assert.Equal(Pid(started, "a"), Pid(added, "a"));

        await File.WriteAllTextAsync(Path.Combine(_folder, "conf.d", "a.toml"), "[a]\ncommand = \"sleep 303\"\n", TestContext.Current.CancellationToken);
        await krust.WaitForAsync(programs => Running(programs) && Pid(programs, "a") != Pid(started, "a")
            && programs.EnumerateArray().First(p => p.GetProperty("name").GetString() == "a").GetProperty("cmd").GetString() == "sleep 303");

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private static string Names(JsonElement programs) => string.Join(',', programs.EnumerateArray().Select(p => p.GetProperty("name").GetString()));

    private static bool Running(JsonElement programs) => programs.EnumerateArray().All(p =>
        p.GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running" && i.TryGetProperty("pid", out _)));

    private static int Pid(JsonElement programs, string name) =>
        programs.EnumerateArray().First(p => p.GetProperty("name").GetString() == name).GetProperty("instances")[0].GetProperty("pid").GetInt32();
}
