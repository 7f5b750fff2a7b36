using System.Diagnostics;
using System.Runtime.InteropServices;
using KrustPm.Host.Import;
using KrustPm.Host.Tests.Import;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Each supervisord fixture runs under the real <c>supervisord</c> (Debian's <c>supervisor</c>), then, imported, under
/// krust-pm: the process trees the OS shows (/proc: each instance's argv, its children's argv, its working directory
/// and the variables the file sets) are the same. Everything is stopped after each, and nothing is left.
/// </summary>
public sealed partial class SupervisordParityTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ImportFixtures _fixtures = new();

    public void Dispose() => _fixtures.Dispose();

    [Theory]
    [InlineData("gunicorn-nginx")]
    [InlineData("celery")]
    [InlineData("includes")]
    [InlineData("cron-jobs")]
    [InlineData("logs-env")]
    public async Task The_imported_file_runs_the_same_process_trees_under_krust_pm_as_under_supervisord(string fixture)
    {
        Assert.True(File.Exists("/usr/bin/supervisord"), "supervisord is not installed (Debian package supervisor; .ci/run installs it)");
        var conf = _fixtures.PathOf($"supervisord/{fixture}/supervisord.conf");
        var toml = SupervisordImport.Translate(conf).ToToml("supervisord");
        var config = _fixtures.Load(toml, $"supervisord/{fixture}/supervisord.conf");
        var expected = config.Programs.Where(p => p.Autostart).Sum(p => p.Instances);
        var variables = config.Programs.SelectMany(p => p.Environment.Keys).ToHashSet(StringComparer.Ordinal);

        var underSupervisord = await SupervisordTreesAsync(conf, expected, variables);

        // KrustPmProcess writes its free port over "{port}" in the file: the programs' own {port} placeholders are
        // written with a TOML escape of the brace, which the config reader turns back into "{port}".
        var path = Path.Combine(Path.GetDirectoryName(conf)!, "krust-pm.toml");
        File.WriteAllText(path, "server-port = \"127.0.0.1:{port}\"\n" + toml.Replace("{port}", "\\u007Bport}", StringComparison.Ordinal));
        var underKrustPm = await KrustPmTreesAsync(path, expected, variables);

        Assert.Equal(underSupervisord.Order(StringComparer.Ordinal), underKrustPm.Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> SupervisordTreesAsync(string conf, int expected, HashSet<string> variables)
    {
        // supervisord runs a program without `directory` in its own working directory, krust-pm in the config file's
        // folder: started from that folder, both mean the same one.
        using var supervisord = Process.Start(new ProcessStartInfo("/usr/bin/supervisord", ["-n", "-c", conf])
        {
            WorkingDirectory = Path.GetDirectoryName(conf)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = supervisord.StandardOutput.ReadToEndAsync();
        var errors = supervisord.StandardError.ReadToEndAsync();
        var roots = new List<int>();
        try
        {
            var started = await ProcFs.WaitUntilAsync(
                () => (roots = Roots(ProcFs.ChildrenOf(supervisord.Id).Select(c => c.Pid))).Count == expected,
                Bound);
            Assert.True(started, $"supervisord did not start {expected} instance(s) with their children: {roots.Count}\n{File.ReadAllText(Path.Combine(Path.GetDirectoryName(conf)!, "logs", "supervisord.log"))}");
            return roots.Select(pid => Tree(pid, variables)).ToList();
        }
        finally
        {
            await StopAsync(supervisord, roots);
            await output;
            await errors;
        }
    }

    private async Task<List<string>> KrustPmTreesAsync(string path, int expected, HashSet<string> variables)
    {
        await using var process = KrustPmProcess.Start(krustPm.Executable, path);
        var roots = new List<int>();
        try
        {
            await process.WaitForAsync(programs =>
            {
                var pids = programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray())
                    .Where(i => i.TryGetProperty("pid", out _)).Select(i => i.GetProperty("pid").GetInt32());
                return (roots = Roots(pids)).Count == expected;
            });
            return roots.Select(pid => Tree(pid, variables)).ToList();
        }
        finally
        {
            // A main-process stop signal (stopasgroup = false) ends the shell and leaves its sleep to the end of the
            // stop timeout: once krust-pm has signalled every instance, the sleeps recorded here are killed.
            var sleeps = roots.SelectMany(root => ProcFs.ChildrenOf(root)).Select(c => c.Pid).ToList();
            process.Send(15);
            Assert.True(
                await ProcFs.WaitUntilAsync(() => process.Output.Split(" stopping: SIG").Length - 1 >= roots.Count, Bound),
                "krust-pm did not signal every instance after SIGTERM");
            foreach (var sleep in sleeps)
            {
                Kill(sleep, 9); // a shell stand-in asked to stop with SIGINT ends only once its sleep has
            }

            Assert.True(await ProcFs.WaitUntilAsync(() => !roots.Any(ProcFs.IsAlive), Bound), "an instance's main process outlived its stop signal");

            Assert.True(await ProcFs.WaitUntilAsync(() => process.HasExited, Bound), "krust-pm did not exit after SIGTERM");
            await process.AssertNothingLeftAsync();
        }
    }

    /// <summary>The instances whose main process has started its child (the stand-in's sleep): the tree is complete.</summary>
    private static List<int> Roots(IEnumerable<int> pids) => pids.Where(pid => ProcFs.ChildrenOf(pid).Count > 0).ToList();

    /// <summary>One instance as a line: its argv, working directory and the file's variables, then its children's argv.</summary>
    private static string Tree(int pid, HashSet<string> variables)
    {
        var environment = Environ(pid).Where(v => variables.Contains(v.Split('=')[0])).Order(StringComparer.Ordinal);
        var children = ProcFs.ChildrenOf(pid).Select(c => Argv(c.Pid)).Order(StringComparer.Ordinal);
        return $"{Argv(pid)} | cwd {ReadLink($"/proc/{pid}/cwd")} | env {string.Join(' ', environment)} | children {string.Join(", ", children)}";
    }

    private static string Argv(int pid) => string.Join(' ', File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0').Select(a => $"[{a}]"));

    private static string[] Environ(int pid) => File.ReadAllText($"/proc/{pid}/environ").TrimEnd('\0').Split('\0');

    private static string ReadLink(string path) => new FileInfo(path).LinkTarget ?? "?";

    /// <summary>
    /// Stops supervisord and waits for it (bounded), then kills what is left of each instance's process group:
    /// supervisord signals only an instance's main process unless stopasgroup is set, so a stand-in's sleep outlives
    /// its shell there (supervisord's behaviour, not this comparison's subject).
    /// </summary>
    private static async Task StopAsync(Process supervisord, List<int> roots)
    {
        var groups = roots.ToList();
        if (!supervisord.HasExited)
        {
            Assert.Equal(0, Kill(supervisord.Id, 15));
        }

        // A shell stand-in asked to stop with SIGINT waits for its sleep first (and supervisord for it, up to
        // stopwaitsecs): once supervisord has signalled, the stand-ins' groups are killed so nobody waits on a sleep.
        foreach (var group in groups)
        {
            Kill(-group, 9); // each supervisord instance leads its process group: nothing of it may stay
        }

        using var limit = new CancellationTokenSource(Bound);
        await supervisord.WaitForExitAsync(limit.Token);

        Assert.True(await ProcFs.WaitUntilAsync(() => !groups.Any(g => ProcFs.All().Any(p => p.Group == g && p.IsLive)), Bound), "supervisord left processes running");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
