using Snapshooter.Xunit3;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Snapshooter's <c>Snapshot.Match</c>, strict under CI. Snapshooter itself silently writes a missing snapshot and
/// passes (it only refuses when <c>SNAPSHOOTER_STRICT_MODE=true</c>), so with <c>CI=true</c> a snapshot that was
/// never committed would go unnoticed. Here it fails instead; a changed snapshot fails everywhere.
/// </summary>
internal static class Snap
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Matches <paramref name="value"/> against the calling test's snapshot file.</summary>
    public static void Match(object value)
    {
        // Resolved from the call stack: the name of the [Fact] that (directly or not) called this method.
        var name = Snapshot.FullName();
        var file = Path.Combine(name.FolderPath, "__snapshots__", name.Filename);
        if (IsCi && !File.Exists(file))
        {
            Assert.Fail(
                $"Snapshot {file} does not exist, and CI=true never creates one. Run the tests locally (without CI=true), "
                + "read the new .snap file to check it shows the right thing, and commit it.");
        }

        Snapshot.Match(value, name);
    }
}
