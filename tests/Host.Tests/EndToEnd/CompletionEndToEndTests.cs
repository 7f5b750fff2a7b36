using System.Diagnostics;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm completion bash|zsh|fish</c>, sourced in the real shells: commands, program names, instances and groups
/// of the running krust-pm, and signal names. zsh's <c>compadd</c> is replaced by a function that prints what it is
/// given (completing for real needs a terminal); bash's and fish's completion machinery runs as it is.
/// </summary>
public sealed class CompletionEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-completion-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Bash_zsh_and_fish_complete_commands_programs_instances_groups_and_signals_of_the_running_krust_pm()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [web]
            command = "sleep 300"
            instances = 2
            groups = ["front"]

            [worker]
            command = "sleep 300"
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p.GetArrayLength() == 2 && p[0].GetProperty("instances").GetArrayLength() == 2
            && p.EnumerateArray().SelectMany(program => program.GetProperty("instances").EnumerateArray()).All(i => i.GetProperty("status").GetString() == "Running"));

        Assert.Equal(["start", "status"], await BashAsync("krust-pm sta"));
        Assert.Equal(["web", "web:0", "web:1", "worker", "worker:0"], await BashAsync("krust-pm stop w"));
        Assert.Equal(["0", "1"], await BashAsync("krust-pm signal web:")); // bash replaces what follows the ':'
        Assert.Equal(["USR1", "USR2"], await BashAsync("krust-pm signal web:0 U"));
        Assert.Equal(["@front"], await BashAsync("krust-pm logs @"));

        Assert.Equal(["web:0", "web:1"], await FishAsync("krust-pm signal web:"));
        Assert.Equal(["@front", "all"], (await FishAsync("krust-pm restart ")).Where(w => w is "@front" or "all"));

        Assert.Equal(["web", "web:0", "web:1", "worker", "worker:0"], await ZshAsync("krust-pm rm w"));
        Assert.Contains("status", await ZshAsync("krust-pm "));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private Task<string[]> BashAsync(string line) => ShellAsync("bash", $$"""
        source <(krust-pm completion bash)
        COMP_LINE='{{line}}'; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$COMP_LINE"
        _krust_pm_complete
        printf '%s\n' "${COMPREPLY[@]}"
        """);

    private Task<string[]> FishAsync(string line) => ShellAsync("fish", $$"""
        krust-pm completion fish | source
        complete -C '{{line}}'
        """);

    private Task<string[]> ZshAsync(string line) => ShellAsync("zsh", $$"""
        source <(krust-pm completion zsh)
        compadd() { shift; print -l -- "$@" }
        BUFFER='{{line}}'; CURSOR=${#BUFFER}; words=(${(z)BUFFER})
        _krust_pm
        """);

    /// <summary>Runs a script in the shell, with the published krust-pm first on PATH and the config's folder current.</summary>
    private async Task<string[]> ShellAsync(string shell, string script)
    {
        var start = new ProcessStartInfo(shell) { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = $"{Path.GetDirectoryName(krustPm.Executable)}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment.Remove("KRUST_PM_URL");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var error = process.StandardError.ReadToEndAsync(Token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {await error}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
