namespace KrustPm.Host.Tests.EndToEnd;

/// <summary><c>krust-pm export kubernetes</c> as a user runs it: the image rule and what is written.</summary>
public sealed class ExportKubernetesCommandTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-export-k8s-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Without_an_image_it_names_each_program_that_lacks_one_exits_2_and_writes_nothing()
    {
        await File.WriteAllTextAsync(
            Path.Combine(_folder, "krust-pm.toml"), "[web]\ncommand = \"sleep 5\"\n[db]\ncommand = \"sleep 5\"\nimage = \"postgres:16\"\n", TestContext.Current.CancellationToken);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "export", "kubernetes", "--out", "k8s");

        Assert.Equal(2, exitCode);
        Assert.Contains("krust-pm: export kubernetes: program 'web' has no image: set image = \"IMAGE\" in [web], or give --image IMAGE", output, StringComparison.Ordinal);
        Assert.DoesNotContain("'db'", output, StringComparison.Ordinal);
        Assert.Contains("nothing was exported", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "k8s")));
    }

    [Fact]
    public async Task With_an_image_it_writes_one_file_per_program_and_lists_them()
    {
        await File.WriteAllTextAsync(
            Path.Combine(_folder, "krust-pm.toml"), "[web]\ncommand = \"sleep 5\"\nport_base = 8000\n[db]\ncommand = \"sleep 5\"\nimage = \"postgres:16\"\n", TestContext.Current.CancellationToken);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "export", "kubernetes", "--image", "debian:12", "--app", "shop", "--out", "k8s");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            [Path.Combine("k8s", "shop-db.yaml"), Path.Combine("k8s", "shop-web.yaml")],
            Directory.GetFiles(Path.Combine(_folder, "k8s")).Select(f => Path.GetRelativePath(_folder, f)).Order(StringComparer.Ordinal));
        Assert.Contains("k8s/shop-web.yaml", output, StringComparison.Ordinal);
        Assert.Contains("kind: \"Service\"", await File.ReadAllTextAsync(Path.Combine(_folder, "k8s", "shop-web.yaml"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
