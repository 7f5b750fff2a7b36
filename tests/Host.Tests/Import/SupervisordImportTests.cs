using KrustPm.Engine;
using KrustPm.Host.Import;

namespace KrustPm.Host.Tests.Import;

/// <summary>
/// <c>krust-pm import supervisord</c>: each realistic fixture, translated and loaded with the real config loader,
/// means what supervisord makes of it (instances, argv, environment, restart policy, exit codes, signals); bad input
/// is one located error.
/// </summary>
public sealed class SupervisordImportTests : IDisposable
{
    private const string Sleeper = "sleep 3600; :";

    private readonly ImportFixtures _fixtures = new();

    public void Dispose() => _fixtures.Dispose();

    [Fact]
    public void Gunicorn_workers_get_one_port_each_from_a_port_base_and_nginx_keeps_its_QUIT()
    {
        var config = Load("gunicorn-nginx");
        var web = Program(config, "web");
        var nginx = Program(config, "nginx");

        Assert.Equal(3, web.Instances);
        Assert.Equal(["/bin/sh", "-c", Sleeper, "gunicorn", "shop.wsgi:application", "--workers", "4", "--bind", "127.0.0.1:{port}"], web.Argv);
        Assert.Equal(8000, web.PortBase);
        Assert.Equal(_fixtures.PathOf("supervisord/gunicorn-nginx/app"), web.WorkingDirectory);
        Assert.Equal("shop.settings.production", web.Environment["DJANGO_SETTINGS_MODULE"]);
        Assert.Equal($"/opt/shop/venv/bin:{Environment.GetEnvironmentVariable("PATH")}", web.Environment["PATH"]);
        Assert.Equal(RestartPolicy.Always, web.Restart);
        Assert.Equal((5, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)), (web.MaxRetries, web.MinUptime, web.StopTimeout));
        Assert.Equal(SignalTarget.Group, web.StopSignalTarget);
        Assert.True(web.Log.MergeStderr);
        Assert.Equal(50L * 1024 * 1024, web.Log.MaxBytes);
        Assert.Equal(["site"], web.Groups);

        Assert.Equal(["/bin/sh", "-c", Sleeper, "nginx", "-g", "daemon off;", "-c", "/etc/nginx/nginx.conf"], nginx.Argv);
        Assert.Equal(Signals.Quit, nginx.StopSignal);
        Assert.Equal(SignalTarget.Main, nginx.StopSignalTarget); // supervisord's default: stopasgroup = false
        Assert.Equal(["site"], nginx.Groups);
    }

    [Fact]
    public void Celery_workers_keep_their_names_per_index_and_beat_its_exit_codes()
    {
        var config = Load("celery");
        var worker = Program(config, "celery-worker");
        var beat = Program(config, "celery-beat");

        Assert.Equal(2, worker.Instances);
        Assert.Equal(["/bin/sh", "-c", Sleeper, "celery", "-A", "shop", "worker", "--loglevel=INFO", "--concurrency=8", "-n", "worker{index}@%h", "-Q", "default,emails"], worker.Argv);
        Assert.Equal("redis://127.0.0.1:6379/0", worker.Environment["CELERY_BROKER_URL"]);
        Assert.Equal(TimeSpan.FromMinutes(10), worker.StopTimeout);
        Assert.Equal(SignalTarget.Group, worker.StopSignalTarget);
        Assert.Equal(_fixtures.PathOf("supervisord/celery/logs/celery-worker-{index}.log"), worker.Log.StdoutPath); // one file each
        Assert.Equal(_fixtures.PathOf("supervisord/celery/logs/celery-worker.err-{index}.log"), worker.Log.StderrPath);

        Assert.Equal(RestartPolicy.OnFailure, beat.Restart);
        Assert.Equal([0, 2], beat.SuccessExitCodes);
        Assert.Equal(TimeSpan.FromSeconds(10), beat.MinUptime);
        Assert.Equal(["celery"], beat.Groups);
        Assert.Equal(["celery-worker", "celery-beat"], config.Programs.Select(p => p.Name));
    }

    [Fact]
    public void Included_files_become_programs_with_their_own_here()
    {
        var config = Load("includes");
        var api = Program(config, "api");
        var rq = Program(config, "rq-worker");

        Assert.Equal(["api", "rq-worker"], config.Programs.Select(p => p.Name));
        Assert.Equal(_fixtures.PathOf("supervisord/includes/srv/api"), api.WorkingDirectory);
        Assert.Equal(Environment.GetEnvironmentVariable("HOME"), api.Environment["HOME"]);
        Assert.Equal(10, api.MaxRetries);
        Assert.Equal(_fixtures.PathOf("supervisord/includes/logs/api.log"), api.Log.StdoutPath);
        Assert.Equal(2, rq.Instances);
        Assert.Equal(Signals.Interrupt, rq.StopSignal);
        Assert.Equal(_fixtures.PathOf("supervisord/includes/logs/rq-{index}.log"), rq.Log.StdoutPath);
    }

    [Fact]
    public void Jobs_keep_autostart_restart_policy_and_success_codes()
    {
        var config = Load("cron-jobs");

        var scheduler = Program(config, "scheduler");
        Assert.Equal((RestartPolicy.OnFailure, true), (scheduler.Restart, scheduler.Autostart));
        Assert.Equal([0, 75], scheduler.SuccessExitCodes);
        var report = Program(config, "nightly-report");
        Assert.Equal((RestartPolicy.Never, false, TimeSpan.Zero), (report.Restart, report.Autostart, report.MinUptime));
        var warmer = Program(config, "cache-warmer");
        Assert.Equal([0, 2, 3], warmer.SuccessExitCodes);
        Assert.Equal((1, Signals.Kill), (warmer.MaxRetries, warmer.StopSignal));
    }

    [Fact]
    public void Quoted_commas_and_dollars_in_the_environment_reach_the_program_as_written()
    {
        var config = Load("logs-env");
        var ingest = Program(config, "ingest");
        var metrics = Program(config, "metrics");

        Assert.Equal("example.com,www.example.com", ingest.Environment["ALLOWED_HOSTS"]);
        Assert.Equal("$%.2f", ingest.Environment["PRICE_FORMAT"]);
        Assert.Equal(_fixtures.PathOf("supervisord/logs-env/data"), ingest.Environment["DATA_DIR"]);
        Assert.Equal(["/bin/sh", "-c", Sleeper, "ingest", "--shards", "2", "--name", "ingest", "--spool", _fixtures.PathOf("supervisord/logs-env/spool dir")], ingest.Argv);
        Assert.Equal(Convert.ToInt32("022", 8), ingest.Process.Umask);
        Assert.Equal((10L * 1024 * 1024, 3), (ingest.Log.MaxBytes, ingest.Log.Backups));
        Assert.Equal(_fixtures.PathOf("supervisord/logs-env/logs/ingest-{index}.err.log"), ingest.Log.StderrPath);
        Assert.False(metrics.Log.Enabled);
    }

    [Fact]
    public void Dollars_and_variables_in_a_command_reach_the_program_as_supervisord_passes_them_inside_and_outside_quotes()
    {
        var path = Write("quotes.conf", "[program:job]\ncommand=sh -c 'echo $HOME in %(ENV_HOME)s' price=$5 \"at %(ENV_HOME)s\" {x}\n");

        var job = Program(_fixtures.Load(SupervisordImport.Translate(path).ToToml("supervisord"), "quotes.conf"), "job");

        var home = Environment.GetEnvironmentVariable("HOME");
        Assert.Equal(["sh", "-c", $"echo $HOME in {home}", "price=$5", $"at {home}", "{{x}}"], job.Argv); // braces are undoubled at launch
    }

    [Fact]
    public void A_line_that_is_not_a_key_or_a_section_is_an_error_at_its_line()
    {
        var path = Write("broken.conf", "[program:web]\ncommand=sleep 1\nthis is not ini\n");

        var error = Assert.Throws<ImportException>(() => SupervisordImport.Translate(path));

        Assert.Equal($"{path}:3: expected 'key = value' or a [section], got: this is not ini", error.Located);
    }

    [Fact]
    public void An_include_that_names_a_missing_file_is_an_error_at_the_include_line()
    {
        var path = Write("main.conf", "[supervisord]\n\n[include]\nfiles = missing.conf\n");

        var error = Assert.Throws<ImportException>(() => SupervisordImport.Translate(path));

        Assert.Equal($"{path}:4: [include] names {Path.Combine(Path.GetDirectoryName(path)!, "missing.conf")}, which does not exist", error.Located);
    }

    [Fact]
    public void An_unknown_expression_and_a_bad_number_are_errors_at_their_lines()
    {
        var expression = Write("expression.conf", "[program:web]\ncommand=run %(nope)s\n");
        var number = Write("number.conf", "[program:web]\ncommand=run\nnumprocs=many\n");

        Assert.StartsWith($"{expression}:2: unknown expression %(nope)", Assert.Throws<ImportException>(() => SupervisordImport.Translate(expression)).Located);
        Assert.Equal($"{number}:3: [program:web] numprocs = many: expected a whole number from 1", Assert.Throws<ImportException>(() => SupervisordImport.Translate(number)).Located);
    }

    [Fact]
    public void Settings_without_an_equivalent_are_written_as_not_translated_comments()
    {
        var toml = SupervisordImport.Translate(_fixtures.PathOf("supervisord/celery/supervisord.conf")).ToToml("supervisord");

        Assert.Contains("# not translated: stdout_events_enabled = false (no process communication events)", toml, StringComparison.Ordinal);
        Assert.Contains("# not translated: [eventlistener:crashmail] in ", toml, StringComparison.Ordinal);
    }

    private KrustPm.Host.Config.KrustConfig Load(string fixture)
    {
        var source = $"supervisord/{fixture}/supervisord.conf";
        return _fixtures.Load(SupervisordImport.Translate(_fixtures.PathOf(source)).ToToml("supervisord"), source);
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
