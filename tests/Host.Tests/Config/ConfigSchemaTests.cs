using System.Diagnostics;
using KrustPm.Host.Config;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Config;

/// <summary>
/// <c>krust-pm schema</c>: the JSON Schema of krust-pm.toml, built from the key registry, checked with the real taplo
/// (npm <c>@taplo/cli</c>, installed by .ci/run into tests/tools/taplo) on the examples and on broken files.
/// </summary>
public sealed class ConfigSchemaTests
{
    private static readonly string Root = PublishedKrustPm.RepositoryRoot;

    private static readonly string TaploPath = Path.Combine(Root, "tests", "tools", "taplo", "node_modules", ".bin", "taplo");

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
        var report = await Taplo.Value;
        foreach (var example in examples)
        {
            Assert.StartsWith("#:schema ../schema/krust-pm.schema.json\n", File.ReadAllText(example), StringComparison.Ordinal);
            Assert.True(report.Accepted(example), $"{example}: {report.About(example)}");
        }
    }

    [Fact]
    public async Task Taplo_accepts_every_form_a_key_takes()
    {
        var report = await Taplo.Value;

        Assert.True(report.Accepted(report.Forms), report.About(report.Forms));
    }

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public async Task Taplo_reports_what_krust_pm_would_refuse(int index, string expected)
    {
        var report = await Taplo.Value;
        var file = report.Refused[index];

        Assert.False(report.Accepted(file), $"{file} was accepted");
        Assert.Contains(expected, report.About(file), StringComparison.Ordinal);
    }

    public static TheoryData<int, string> RefusedCases()
    {
        var cases = new TheoryData<int, string>();
        for (var i = 0; i < Refused.Length; i++)
        {
            cases.Add(i, Refused[i].Expected);
        }

        return cases;
    }

    /// <summary>Files krust-pm refuses, and what taplo is to say about each.</summary>
    private static readonly (string Toml, string Expected)[] Refused =
    [
        ("[web]\ncomand = \"x\"\n", "'comand' was unexpected"),
        ("[web]\ncommand = \"x\"\ninstances = \"two\"\n", "\"two\" is not of type \"integer\""),
        ("[web]\ncommand = \"x\"\nrestart = \"sometimes\"\n", "\"sometimes\" is not one of"),
        ("[web]\ncommand = \"x\"\nstop_timeout_ms = \"10 parsecs\"\n", "stop_timeout_ms"),
        ("[web]\ninstances = 2\n", "\"command\" is a required property"),
        ("log_format = \"xml\"\n[web]\ncommand = \"x\"\n", "\"xml\" is not one of"),
    ];

    /// <summary>A config with every form a key takes (each key in each of its accepted spellings).</summary>
    private const string Forms = """
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
        """;

    /// <summary>
    /// One run of taplo over every file these tests check (the examples, <see cref="Forms"/>, each of <see
    /// cref="Refused"/>): a start of taplo (node and its WebAssembly) costs seconds of CPU, the check itself little.
    /// </summary>
    private static readonly Lazy<Task<TaploReport>> Taplo = new(CheckAllAsync);

    private static async Task<TaploReport> CheckAllAsync()
    {
        Assert.True(File.Exists(TaploPath), $"taplo is missing: .ci/run installs it (npm ci --prefix tests/tools/taplo)");
        var folder = Directory.CreateTempSubdirectory("krust-schema-").FullName;
        try
        {
            var forms = Write(folder, "forms.toml", Forms);
            var refused = Refused.Select((file, i) => Write(folder, $"refused-{i}.toml", file.Toml)).ToArray();
            var examples = Directory.GetFiles(Path.Combine(Root, "examples"), "*.toml");
            var info = new ProcessStartInfo(TaploPath) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
            info.ArgumentList.Add("check");
            foreach (var file in (string[])[forms, .. refused, .. examples])
            {
                info.ArgumentList.Add(file);
            }

            info.Environment["NO_COLOR"] = "1";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var report = new TaploReport(process.ExitCode, await stdout + "\n" + await stderr, forms, refused);

            // The run checked the files (a taplo that failed to start or to load the schema would fail them all, or
            // name none): every refused file is named, and it exits 1.
            Assert.True(report.ExitCode == 1 && refused.All(file => report.About(file).Length > 0), report.Output);
            return report;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Write(string folder, string name, string toml)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, $"#:schema {Path.Combine(Root, ConfigSchema.RepositoryPath)}\n{toml}\n");
        return path;
    }

    /// <summary>What one taplo run said, split by file: each diagnostic block names the file it is about.</summary>
    private sealed record TaploReport(int ExitCode, string Output, string Forms, string[] Refused)
    {
        /// <summary>The diagnostics that name <paramref name="file"/> (empty when there are none).</summary>
        public string About(string file) => string.Join(
            "\n",
            Blocks().Where(block => block.Contains($"{file}:", StringComparison.Ordinal) || block.Contains($"path=\"{file}\"", StringComparison.Ordinal)));

        /// <summary>Whether taplo found nothing wrong with <paramref name="file"/>.</summary>
        public bool Accepted(string file) => About(file).Length == 0;

        // A block starts at a line "error: ..." or "ERROR ..." (taplo's diagnostics and its log lines).
        private IEnumerable<string> Blocks() =>
            System.Text.RegularExpressions.Regex.Split(Output, "\n(?=error: |ERROR |WARN )").Where(block => block.Length > 0);
    }
}
