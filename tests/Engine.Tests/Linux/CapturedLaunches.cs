using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// A real launcher that captures output into a temporary folder, for the tests of output capture. Disposing it
/// checks that every run it started has left nothing behind (and kills what did), then deletes the folder.
/// </summary>
internal sealed class CapturedLaunches : IAsyncDisposable
{
    /// <summary>Creates the folder, the store (in <paramref name="logs"/> under it, or the folder itself) and the launcher.</summary>
    public CapturedLaunches(string prefix, string? logs = "logs")
    {
        Folder = Directory.CreateTempSubdirectory(prefix).FullName;
        Store = new OutputStore(logs is null ? Folder : Path.Combine(Folder, logs));

        // Not the guardian: it is not what these tests are about (LinuxProcessLauncherTests covers it).
        Launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default with { Guardian = false }, Store);
    }

    public string Folder { get; }

    public OutputStore Store { get; }

    public LinuxProcessLauncher Launcher { get; }

    public RecordingEvents Events { get; } = new();

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var pid in Events.Pids)
            {
                Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(5)));
            }

            Assert.Equal(0, Launcher.LiveRuns);
        }
        finally
        {
            Cleanup.KillLeftovers(Events.Pids);
            Launcher.Dispose();
            Store.Dispose();
            await Cleanup.DeleteAsync(Folder);
        }
    }
}
