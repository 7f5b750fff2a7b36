using System.Diagnostics;
using KrustPm.Host.Tests.EndToEnd;

[assembly: AssemblyFixture(typeof(PublishedKrustPm))]

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Publishes krust-pm once per test run (an assembly fixture shared by every end-to-end test class) (<c>dotnet publish src/KrustPm.Host -c Release</c>, as a user would) into a
/// temporary folder, and gives the path of the <c>krust-pm</c> executable. Compiled ahead of time (ReadyToRun, for
/// this machine's runtime identifier): the tests start krust-pm about 170 times, and each start of the JIT build cost
/// ~1.4 s of CPU before it listened, against ~0.9 s (measured 2026-12-05); the code run is the same.
/// </summary>
public sealed class PublishedKrustPm : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("krust-published-").FullName;

    public string Executable => Path.Combine(_output, "krust-pm");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async ValueTask InitializeAsync()
    {
        // Host.Tests and Dashboard.Tests both publish the host, and dotnet test runs them at the same time: one
        // publish at a time, or they race on src/KrustPm.Host/obj/Release.
        await using var publishing = await PublishLock.TakeAsync(RepositoryRoot);
        var publish = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "publish", Path.Combine(RepositoryRoot, "src", "KrustPm.Host"), "-c", "Release", "-o", _output, "--nologo",
                "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-p:PublishReadyToRun=true",
            },
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

    /// <summary>An exclusive lock on a file beside the host's project (flock, through <see cref="FileShare.None"/>).</summary>
    private static class PublishLock
    {
        public static async Task<FileStream> TakeAsync(string repositoryRoot)
        {
            var path = Path.Combine(repositoryRoot, "src", "KrustPm.Host", "obj", "publish.lock");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (!limit.IsCancellationRequested)
                {
                    // The other test project publishes; it holds the lock for as long as that takes.
                    await Task.Delay(250, limit.Token);
                }
            }
        }
    }
}
