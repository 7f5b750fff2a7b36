using System.Runtime.InteropServices;

namespace KrustPm.Packaging.Tests;

/// <summary>
/// The dotnet CLI, run as a consumer would, with one difference: every consumer command gets a NuGet packages folder
/// of the test run's own (<c>NUGET_PACKAGES</c>), so a package of the same id and version cached by an earlier run
/// or by a developer can never stand in for the one just packed. Packing (<see cref="PackAsync"/>) keeps the user's
/// packages folder: what it restores comes from nuget.org and never changes, and the projects it packs are built
/// from source, so nothing stale can enter the package; it also spares downloading ~140 MB of the host's
/// dependencies on every run.
/// </summary>
internal static class Dotnet
{
    /// <summary>The longest a restore, build or pack may take (a cold NuGet cache downloads from nuget.org).</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The dotnet installation running these tests (…/shared/Microsoft.NETCore.App/VERSION/ is three levels down).</summary>
    public static string Root { get; } = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    public static string Executable { get; } = File.Exists(Path.Combine(Root, "dotnet")) ? Path.Combine(Root, "dotnet") : "dotnet";

    /// <summary>The environment of every command and program the tests run: the run's packages folder, the runtime's root for app hosts.</summary>
    public static Dictionary<string, string?> Environment(Workspace work) => new()
    {
        ["NUGET_PACKAGES"] = work.Packages,
        ["DOTNET_ROOT"] = Root,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
        // No MSBuild node outlives a command (dotnet test sets it too; set here for a run outside dotnet test).
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    public static Task<ProcessResult> RunAsync(Workspace work, string workingDirectory, params string[] arguments) =>
        BoundedProcess.RunAsync(Executable, arguments, workingDirectory, Environment(work), BuildTimeout);

    /// <summary>Packs a project of the repository into <paramref name="feed"/>, with bin and obj in the workspace.</summary>
    public static Task<ProcessResult> PackAsync(Workspace work, string project, string feed)
    {
        var environment = Environment(work);
        environment.Remove("NUGET_PACKAGES");
        return BoundedProcess.RunAsync(
            Executable,
            ["pack", project, "-c", "Release", "-o", feed, "--artifacts-path", work.Build],
            Repository.Root,
            environment,
            BuildTimeout);
    }

    /// <summary>Runs a command and fails the test, with its output, unless it exits 0.</summary>
    public static async Task<ProcessResult> SucceedAsync(Workspace work, string workingDirectory, params string[] arguments)
    {
        var result = await RunAsync(work, workingDirectory, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
