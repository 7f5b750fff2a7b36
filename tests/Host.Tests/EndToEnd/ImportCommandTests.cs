using KrustPm.Host.Tests.Import;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary><c>krust-pm import supervisord|pm2 FILE [--out F] [--force]</c> as a user runs it.</summary>
public sealed class ImportCommandTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly ImportFixtures _fixtures = new();

    public void Dispose() => _fixtures.Dispose();

    [Fact]
    public async Task Without_out_the_toml_goes_to_stdout_and_nothing_is_written()
    {
        var folder = _fixtures.PathOf("supervisord/cron-jobs");
        var before = Directory.GetFiles(folder);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, "import", "supervisord", "supervisord.conf");

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"# krust-pm.toml imported from supervisord: {Path.Combine(folder, "supervisord.conf")}\n", output);
        Assert.Contains("\n[nightly-report]\n", output, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(folder));
    }

    [Fact]
    public async Task Out_writes_a_file_that_check_accepts()
    {
        var folder = _fixtures.PathOf("pm2");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, "import", "pm2", "queue-workers.yaml", "--out", "krust-pm.toml");
        var (checkCode, checkOutput) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, "check");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            $"krust-pm: wrote {Path.Combine(folder, "krust-pm.toml")}: 2 program(s), 0 setting(s) not translated (the '# not translated:' lines); check it with: krust-pm check -c krust-pm.toml\n",
            output);
        Assert.Equal(0, checkCode);
        Assert.Contains("2 program(s): queue-worker (2), ws-gateway (2)", checkOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_out_file_is_kept_unless_force_is_given()
    {
        var folder = _fixtures.PathOf("pm2");
        var target = Path.Combine(folder, "krust-pm.toml");
        File.WriteAllText(target, "# mine\n");

        var (refused, refusal) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, "import", "pm2", "process.json", "--out", "krust-pm.toml");
        Assert.Equal(2, refused);
        Assert.Equal($"krust-pm: {target} exists; nothing was written (--force replaces it).\n", refusal);
        Assert.Equal("# mine\n", File.ReadAllText(target));

        var (forced, _) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, "import", "pm2", "process.json", "--out", "krust-pm.toml", "--force");
        Assert.Equal(0, forced);
        Assert.Contains("[billing-worker]", File.ReadAllText(target), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_file_is_one_located_line_and_exit_2_with_nothing_written()
    {
        var folder = _fixtures.PathOf("supervisord");
        File.WriteAllText(Path.Combine(folder, "broken.conf"), "[program:web]\ncommand=run\nautorestart=sometimes\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, folder, "import", "supervisord", "broken.conf", "--out", "out.toml");

        Assert.Equal(2, exitCode);
        Assert.Equal(
            $"krust-pm: {Path.Combine(folder, "broken.conf")}:3: [program:web] autorestart = sometimes: expected true, false or unexpected\nkrust-pm: nothing was written.\n",
            output);
        Assert.False(File.Exists(Path.Combine(folder, "out.toml")));
    }
}
