using KrustPm.Engine;
using KrustPm.Host.Import;

namespace KrustPm.Host.Tests.Import;

/// <summary>
/// <c>krust-pm import pm2</c>: each realistic ecosystem file (JSON and YAML), translated and loaded with the real
/// config loader, means what PM2 makes of it; bad input is one located error.
/// </summary>
public sealed class Pm2ImportTests : IDisposable
{
    private readonly ImportFixtures _fixtures = new();

    public void Dispose() => _fixtures.Dispose();

    [Fact]
    public void A_cluster_mode_api_gets_one_process_and_one_port_per_instance()
    {
        var api = Program(Load("node-api-cluster.json"), "api");

        Assert.Equal(4, api.Instances);
        Assert.Equal(["node", "--max-old-space-size=512", "dist/server.js"], api.Argv);
        Assert.Equal(3000, api.PortBase);
        Assert.False(api.Environment.ContainsKey("PORT")); // port_base sets it per instance
        Assert.Equal("{index}", api.Environment["NODE_APP_INSTANCE"]);
        Assert.Equal("production", api.Environment["NODE_ENV"]);
        Assert.Equal(_fixtures.PathOf("pm2/api"), api.WorkingDirectory);
        Assert.Equal(RestartPolicy.Always, api.Restart);
        Assert.Equal((10, TimeSpan.FromSeconds(5)), (api.MaxRetries, api.MinUptime));
        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(15)), (api.RestartDelay, api.RestartDelayMax));
        Assert.Equal((Signals.Interrupt, TimeSpan.FromSeconds(8)), (api.StopSignal, api.StopTimeout));
        Assert.Equal(_fixtures.PathOf("pm2/api/logs/api.out-{index}.log"), api.Log.StdoutPath);
        Assert.True(api.Log.Timestamps);
    }

    [Fact]
    public void Yaml_workers_keep_their_interpreter_arguments_and_their_own_index_variable()
    {
        var config = Load("queue-workers.yaml");
        var worker = Program(config, "queue-worker");
        var gateway = Program(config, "ws-gateway");

        Assert.Equal(["python3", "-u", "worker.py", "--queue", "high,default", "--concurrency", "4"], worker.Argv);
        Assert.Equal(2, worker.Instances);
        Assert.Equal("{index}", worker.Environment["WORKER_INDEX"]);
        Assert.Equal("1", worker.Environment["PYTHONUNBUFFERED"]);
        Assert.Equal((20, TimeSpan.FromSeconds(10)), (worker.MaxRetries, worker.MinUptime));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)), (worker.RestartDelay, worker.RestartDelayMax));
        Assert.Equal(_fixtures.PathOf("pm2/jobs/logs/worker-{index}.log"), worker.Log.StdoutPath); // merge_logs: still one file per instance here

        Assert.Equal(["node", "gateway.js"], gateway.Argv);
        Assert.Equal(4100, gateway.PortBase);
        Assert.Equal("{port}", gateway.Environment["WS_PORT"]);
        Assert.Equal(TimeSpan.FromMilliseconds(1600), gateway.StopTimeout); // PM2's default kill_timeout
    }

    [Fact]
    public void Jobs_keep_their_namespace_as_a_group_and_their_exit_codes()
    {
        var config = Load("cron-jobs.json");

        Assert.All(config.Programs, p => Assert.Equal(["jobs"], p.Groups));
        Assert.Equal(RestartPolicy.Never, Program(config, "sitemap").Restart);
        var mailer = Program(config, "mailer");
        Assert.Equal((RestartPolicy.OnFailure, 5), (mailer.Restart, mailer.MaxRetries));
        Assert.Equal([0, 3], mailer.SuccessExitCodes);
        Assert.Equal("Shop <noreply@example.com>", mailer.Environment["FROM"]);
        var cleanup = Program(config, "cleanup");
        Assert.Equal(["bash", "./cleanup.sh"], cleanup.Argv);
        Assert.Equal((false, false), (cleanup.Autostart, cleanup.Log.Enabled));
    }

    [Fact]
    public void String_arguments_dollars_and_braces_reach_the_program_as_written()
    {
        var config = Load("nextjs-and-static.yml");
        var storefront = Program(config, "storefront");
        var files = Program(config, "static-files");

        Assert.Equal(["node", "node_modules/.bin/next", "start", "-p", "3100"], storefront.Argv);
        Assert.Equal("1", storefront.Environment["NEXT_TELEMETRY_DISABLED"]);
        Assert.Equal("${{amount}} {{currency}}", storefront.Environment["PRICE_TEMPLATE"]); // the placeholder escapes go at launch: "${amount} {currency}"
        Assert.True(storefront.Log.MergeStderr); // out_file and error_file are one file
        Assert.Equal(["python3", "-m", "http.server", "8080", "--bind", "127.0.0.1"], files.Argv);
        Assert.Equal(TimeSpan.FromSeconds(2), files.StopTimeout);
    }

    [Fact]
    public void A_list_of_apps_is_read_like_an_ecosystem()
    {
        var config = Load("process.json");
        var billing = Program(config, "billing-worker");
        var report = Program(config, "report-shell");

        Assert.Equal(["bin/billing", "--queue", "billing", "--batch", "50"], billing.Argv);
        Assert.Equal(SignalTarget.Main, billing.StopSignalTarget); // treekill = false
        Assert.Equal(TimeSpan.FromMinutes(1), billing.MinUptime);
        Assert.Equal("root", billing.User);
        Assert.Equal(["bash", "jobs/report.sh", "--since", "yesterday", "--format", "csv"], report.Argv);
        Assert.Equal(_fixtures.PathOf("pm2"), report.WorkingDirectory);
    }

    [Fact]
    public void Arguments_with_dollars_and_spaces_reach_the_program_as_listed()
    {
        var path = Write("quoting.json", """{"apps": [{"name": "fmt", "script": "fmt.py", "interpreter": "python3", "args": ["--format", "$%.2f", "two words", "it's"]}]}""");

        var fmt = Program(_fixtures.Load(Pm2Import.Translate(path).ToToml("PM2"), "quoting.json"), "fmt");

        Assert.Equal(["python3", "fmt.py", "--format", "$%.2f", "two words", "it's"], fmt.Argv);
    }

    [Fact]
    public void Broken_json_is_an_error_at_its_line()
    {
        var path = Write("broken.json", "{\n  \"apps\": [\n    {\"name\": \"api\" \"script\": \"a.js\"}\n  ]\n}\n");

        var error = Assert.Throws<ImportException>(() => Pm2Import.Translate(path));

        Assert.StartsWith($"{path}:3: not valid JSON: ", error.Located);
    }

    [Fact]
    public void Broken_yaml_is_an_error_at_its_line()
    {
        var path = Write("broken.yaml", "apps:\n  - name: api\n    script: a.js\n   env: [\n");

        var error = Assert.Throws<ImportException>(() => Pm2Import.Translate(path));

        Assert.StartsWith($"{path}:4: not valid YAML: ", error.Located);
    }

    [Fact]
    public void A_javascript_ecosystem_file_is_refused_with_the_node_command_that_turns_it_into_json()
    {
        var path = Write("ecosystem.config.js", "module.exports = { apps: [] }\n");

        var error = Assert.Throws<ImportException>(() => Pm2Import.Translate(path));

        Assert.Contains("node -e 'console.log(JSON.stringify(require(\"./ecosystem.config.js\"), null, 2))' > ecosystem.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_app_without_a_script_is_an_error_naming_it()
    {
        var path = Write("noscript.json", """{"apps": [{"name": "api"}]}""");

        Assert.Equal($"{path}: apps[0] has no script", Assert.Throws<ImportException>(() => Pm2Import.Translate(path)).Located);
    }

    private KrustPm.Host.Config.KrustConfig Load(string fixture)
    {
        var source = $"pm2/{fixture}";
        return _fixtures.Load(Pm2Import.Translate(_fixtures.PathOf(source)).ToToml("PM2"), source);
    }

    private static ProgramSpec Program(KrustPm.Host.Config.KrustConfig config, string name) =>
        config.Programs.Single(p => p.Name == name);

    private string Write(string name, string text)
    {
        var path = _fixtures.PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }
}
