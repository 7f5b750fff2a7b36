using System.Diagnostics;
using KrustPm.Host.Tests.EndToEnd;

[assembly: AssemblyFixture(typeof(PublishedKrustPm))]

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Publishes krust-pm once per test run (an assembly fixture shared by every end-to-end test class) (<c>dotnet publish src/KrustPm.Host -c Release</c>, as a user would) into a
/// temporary folder, and gives the path of the <c>krust-pm</c> executable.
/// </summary>
public sealed class PublishedKrustPm : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("krust-published-").FullName;

    public string Executable => Path.Combine(_output, "krust-pm");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async ValueTask InitializeAsync()
    {
        var publish = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(RepositoryRoot, "src", "KrustPm.Host"), "-c", "Release", "-o", _output, "--nologo" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(publish)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0 || !File.Exists(Executable))
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KrustPm.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KrustPm.slnx not found above " + AppContext.BaseDirectory);
    }
}
