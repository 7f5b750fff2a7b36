using System.Diagnostics;
using KrustPm.Host.Config;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Config;

/// <summary>
/// <c>krust-pm schema</c>: the JSON Schema of krust-pm.toml, built from the key registry, checked with the real taplo
/// (npm <c>@taplo/cli</c>, installed by .ci/run into tests/tools/taplo) on the examples and on broken files.
/// </summary>
public sealed class ConfigSchemaTests : IDisposable
{
    private static readonly string Root = PublishedKrustPm.RepositoryRoot;

    private static readonly string Taplo = Path.Combine(Root, "tests", "tools", "taplo", "node_modules", ".bin", "taplo");

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-schema-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_committed_schema_is_what_krust_pm_schema_prints()
    {
        // To update it: dotnet run --project src/KrustPm.Host -- schema --out schema/krust-pm.schema.json
        Assert.Equal(ConfigSchema.Text(), File.ReadAllText(Path.Combine(Root, ConfigSchema.RepositoryPath)));
    }

    [Fact]
    public void Every_program_key_and_every_top_level_key_has_its_schema_and_description()
    {
        var schema = ConfigSchema.Build();
        var program = schema["definitions"]!["program"]!["properties"]!.AsObject();

        Assert.Equal(ProgramKeys.Names, program.Select(p => p.Key));
        Assert.Equal(ConfigDocumentReader.TopLevelKeys.Order(StringComparer.Ordinal), schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(program, p => Assert.False(string.IsNullOrEmpty((string?)p.Value!["description"]), p.Key));
    }

    [Fact]
    public async Task Taplo_accepts_every_example_which_points_to_the_schema()
    {
        var examples = Directory.GetFiles(Path.Combine(Root, "examples"), "*.toml");
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            Assert.StartsWith("#:schema ../schema/krust-pm.schema.json\n", File.ReadAllText(example), StringComparison.Ordinal);
            var (exitCode, output) = await TaploCheckAsync(example);
            Assert.True(exitCode == 0, $"{example}: {output}");
        }
    }

    [Fact]
    public async Task Taplo_accepts_every_form_a_key_takes()
    {
        var (exitCode, output) = await TaploCheckAsync(Write("""
            server-port = 4000
            include = ["conf.d/*.toml"]
            journal_max_bytes = "64MiB"
            exit_when = "all-done"

            [web]
            command = "gunicorn -b 127.0.0.1:{port} app:app"
            instances = 2
            port_base = 8000
            restart_delay_ms = "500ms"
            stop_timeout_ms = 3000
            stop_signal = "SIGINT"
            env = { A = "1", B = 2, C = true }
            log = "inherit"
            log_max_bytes = "50MB"
            umask = 0o022
            rlimits = { nofile = 65536, core = { soft = 0, hard = "unlimited" } }
            depends_on = ["db"]
            success_exit_codes = [0, 2]

            [web.readiness]
            http = "http://127.0.0.1:8000/health"
            period_ms = "1s"

            [db]
            command = "redis-server"
            depends_on = { cache = "healthy_all" }
            umask = "022"
            liveness = { tcp = "127.0.0.1:6379", failure_threshold = 3 }

            [db.env]
            X = "y"
            """));

        Assert.True(exitCode == 0, output);
    }

    [Theory]
    [InlineData("[web]\ncomand = \"x\"\n", "'comand' was unexpected")]
    [InlineData("[web]\ncommand = \"x\"\ninstances = \"two\"\n", "\"two\" is not of type \"integer\"")]
    [InlineData("[web]\ncommand = \"x\"\nrestart = \"sometimes\"\n", "\"sometimes\" is not one of")]
    [InlineData("[web]\ncommand = \"x\"\nstop_timeout_ms = \"10 parsecs\"\n", "stop_timeout_ms")]
    [InlineData("[web]\ninstances = 2\n", "\"command\" is a required property")]
    [InlineData("log_format = \"xml\"\n[web]\ncommand = \"x\"\n", "\"xml\" is not one of")]
    public async Task Taplo_reports_what_krust_pm_would_refuse(string toml, string expected)
    {
        var (exitCode, output) = await TaploCheckAsync(Write(toml));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    private string Write(string toml)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        File.WriteAllText(path, $"#:schema {Path.Combine(Root, ConfigSchema.RepositoryPath)}\n{toml}\n");
        return path;
    }

    private static async Task<(int ExitCode, string Output)> TaploCheckAsync(string file)
    {
        Assert.True(File.Exists(Taplo), $"taplo is missing: .ci/run installs it (npm ci --prefix tests/tools/taplo)");
        var info = new ProcessStartInfo(Taplo) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(file)! };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add(file);
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
