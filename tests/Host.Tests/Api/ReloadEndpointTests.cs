using System.Net;
using KrustPm.Engine;
using KrustPm.Engine.Logs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>POST /api/v1/reload</c>: the file krust-pm started with is read again and applied (or, with <c>?dryRun=true</c>,
/// only planned); a file that does not load changes nothing and answers 422 with the located problems.
/// </summary>
public sealed class ReloadEndpointTests : ApiTestBase
{
    private const string Before = """
        [keep]
        command = "./keep"

        [change]
        command = "./change --old"

        [gone]
        command = "./gone"
        """;

    private const string After = """
        [keep]
        command = "./keep"

        [change]
        command = "./change --new"
        max_retries = 7

        [fresh]
        command = "./fresh"
        instances = 2
        """;

    [Fact]
    public async Task A_reload_restarts_a_changed_program_adds_a_new_one_and_removes_a_dropped_one()
    {
        await StartAsync(Before);
        var keepPid = Host.Engine.State.Find("keep")!.Instances[0].Pid;
        await File.WriteAllTextAsync(Host.ConfigPath, After, Token);

        var plan = await PostJsonAsync("/api/v1/reload");

        Assert.False(plan.GetProperty("dryRun").GetBoolean());
        Assert.Equal(Host.ConfigPath, plan.GetProperty("file").GetString());
        Assert.Equal("1 added, 1 removed, 1 restarted, 0 changed in place, 1 unchanged", plan.GetProperty("summary").GetString());
        Assert.Equal(
            ["keep unchanged ", "change restarted command,max_retries", "fresh added ", "gone removed "],
            plan.GetProperty("programs").EnumerateArray().Select(p =>
                $"{p.GetProperty("name").GetString()} {p.GetProperty("action").GetString()} {string.Join(',', p.GetProperty("changed").EnumerateArray().Select(k => k.GetString()))}"));
        Assert.Empty(plan.GetProperty("topLevel").EnumerateArray());

        var state = await WaitForAsync(s => s.Find("gone") is null && s.Find("fresh") is { } fresh && fresh.Instances.All(i => i.Status == InstanceStatus.Running)
            && s.Find("change")!.Instances[0] is { Status: InstanceStatus.Running, RestartRequested: false, CurrentTry: 2 });
        Assert.Equal(keepPid, state.Find("keep")!.Instances[0].Pid);
        Assert.Equal(["./change", "--new"], state.Find("change")!.Spec.Argv);
        Assert.Equal(["keep", "change", "fresh"], Names(await GetJsonAsync("/api/v1/programs")));
        Assert.Contains(Host.Launcher.Launches, l => l.Program.Name == "change" && l.Program.Argv.SequenceEqual(["./change", "--new"]));
    }

    [Fact]
    public async Task A_dry_run_shows_the_plan_and_changes_nothing()
    {
        await StartAsync(Before);
        await File.WriteAllTextAsync(Host.ConfigPath, After, Token);
        var launches = Host.Launcher.Launches.Count;
        var version = Host.Engine.State.Version;

        var plan = await PostJsonAsync("/api/v1/reload?dryRun=true");

        Assert.True(plan.GetProperty("dryRun").GetBoolean());
        Assert.Equal("1 added, 1 removed, 1 restarted, 0 changed in place, 1 unchanged", plan.GetProperty("summary").GetString());
        var change = plan.GetProperty("programs").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "change");
        Assert.Equal("its instance is restarted with the new settings", Assert.Single(change.GetProperty("details").EnumerateArray()).GetString());
        Assert.Equal(version, Host.Engine.State.Version);
        Assert.Equal(launches, Host.Launcher.Launches.Count);
        Assert.Equal(["keep", "change", "gone"], Names(await GetJsonAsync("/api/v1/programs")));
    }

    [Fact]
    public async Task A_file_that_does_not_load_is_a_422_with_the_located_problems_and_changes_nothing()
    {
        await StartAsync(Before);
        await File.WriteAllTextAsync(Host.ConfigPath, "[keep]\ncommand = \"./keep\"\nmax_retries = \"three\"\n[other]\ncomand = \"x\"\n", Token);
        var version = Host.Engine.State.Version;

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/reload");
        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, parameter: null);

        Assert.Equal("The configuration does not load", problem.GetProperty("title").GetString());
        Assert.Equal(Host.ConfigPath, problem.GetProperty("file").GetString());
        var problems = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains($"{Host.ConfigPath}:3: program 'keep': key 'max_retries': expected a non-negative integer, got string \"three\"", problems);
        Assert.Contains(problems, p => p!.StartsWith($"{Host.ConfigPath}:5: program 'other': unknown key 'comand'", StringComparison.Ordinal));
        Assert.Contains("nothing was changed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(version, Host.Engine.State.Version);
        Assert.Equal(["keep", "change", "gone"], Names(await GetJsonAsync("/api/v1/programs")));
    }

    [Fact]
    public async Task Top_level_keys_read_only_at_start_are_listed_as_needing_a_restart_and_kept()
    {
        await StartAsync(Before);
        await File.WriteAllTextAsync(Host.ConfigPath, "server-port = 4123\nlog_dir = \"elsewhere\"\nwatch_config = true\n" + Before, Token);

        var plan = await PostJsonAsync("/api/v1/reload");

        Assert.Equal(
            ["server-port needs-krust-pm-restart", "log_dir needs-krust-pm-restart", "watch_config applied"],
            plan.GetProperty("topLevel").EnumerateArray().Select(k => $"{k.GetProperty("key").GetString()} {k.GetProperty("action").GetString()}"));
        Assert.EndsWith(
            "; applied watch_config; 2 top-level key(s) need a restart of krust-pm (server-port, log_dir)", plan.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var current = Host.Services.GetRequiredService<KrustPm.Host.Hosting.ConfigReload>().Current;
        Assert.True(current.WatchConfig);
        Assert.Equal(4000, current.Server.Port);
        Assert.EndsWith("/logs", current.LogDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reload_is_an_event_with_its_summary_and_each_programs_action()
    {
        await StartAsync(Before);
        await File.WriteAllTextAsync(Host.ConfigPath, After, Token);
        await PostJsonAsync("/api/v1/reload");

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var reloaded = await stream.NextAsync();
        while (reloaded.Type != "config.reloaded")
        {
            reloaded = await stream.NextAsync(); // bounded: each waits at most 10 s
        }

        Assert.Equal("config.reloaded", reloaded.Type);
        Assert.Equal("1 added, 1 removed, 1 restarted, 0 changed in place, 1 unchanged", reloaded.Text("summary"));
        Assert.Equal(
            ["keep unchanged", "change restarted", "fresh added", "gone removed"],
            reloaded.Data.GetProperty("programs").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()} {p.GetProperty("action").GetString()}"));
        var following = new List<ReceivedEvent>();
        while (!following.Any(e => e.Type == "program.removed"))
        {
            following.Add(await stream.NextAsync());
        }

        Assert.Equal(
            ["program.changed change", "program.loaded fresh", "program.removing gone", "program.removed gone"],
            following.Where(e => e.Type.StartsWith("program.", StringComparison.Ordinal)).Select(e => $"{e.Type} {e.Text("program")}"));
        var changed = following.Single(e => e.Type == "program.changed");
        Assert.Equal(["command", "max_retries"], changed.Data.GetProperty("changed").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("restarting", changed.Text("outcome"));
    }

    [Fact]
    public async Task The_shutdown_budget_follows_the_programs_of_the_reload()
    {
        await StartAsync(Before);
        var options = Host.Services.GetRequiredService<IOptions<HostOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(10 + 5), options.ShutdownTimeout);

        await File.WriteAllTextAsync(Host.ConfigPath, After + "\nstop_timeout_ms = 120000\n", Token);
        await PostJsonAsync("/api/v1/reload");

        Assert.Equal(TimeSpan.FromSeconds(120 + 5), options.ShutdownTimeout);
    }

    [Fact]
    public async Task New_log_sizes_apply_in_place_to_the_running_instances_log_files()
    {
        await StartAsync(Before);
        var sink = Host.Services.GetRequiredService<OutputStore>().Sink("keep", 0, OutputKind.Stdout, Host.Engine.State.Find("keep")!.Spec.Log);
        var pid = Host.Engine.State.Find("keep")!.Instances[0].Pid;

        await File.WriteAllTextAsync(Host.ConfigPath, Before.Replace("command = \"./keep\"", "command = \"./keep\"\nlog_max_bytes = 4096\nlog_backups = 2", StringComparison.Ordinal), Token);
        var plan = await PostJsonAsync("/api/v1/reload");

        Assert.Equal("keep changed-in-place", $"{plan.GetProperty("programs")[0].GetProperty("name").GetString()} {plan.GetProperty("programs")[0].GetProperty("action").GetString()}");
        await EventuallyAsync(() => sink.Policy is { MaxBytes: 4096, Backups: 2 }, "the sink of keep.0 rotates by the new sizes");
        Assert.Equal(pid, Host.Engine.State.Find("keep")!.Instances[0].Pid);
    }

    [Theory]
    [InlineData("maybe", "'maybe' is not true or false.")]
    [InlineData("true&dryRun=false", "Give 'dryRun' once.")]
    public async Task A_bad_dry_run_flag_is_a_400_naming_it(string value, string detail)
    {
        await StartAsync(Before);

        var problem = await SendProblemAsync(HttpMethod.Post, $"/api/v1/reload?dryRun={value}", null, HttpStatusCode.BadRequest, "dryRun");

        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }
}
