using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// What krust-pm does to its file's configuration before using it: the command line's overrides (<c>--attach</c>,
/// <c>--log-format</c>) and <c>KRUST_PM_TOKEN</c>. A reload reads the file through it too, so that what only the
/// command line or the environment set never reads as a change of the file.
/// </summary>
/// <param name="Adjust">The overrides, applied to a configuration as loaded from the file.</param>
internal sealed record ConfigSource(Func<KrustConfig, KrustConfig> Adjust)
{
    /// <summary>No override: the file as it is (for tests and tools that host the app directly).</summary>
    public static ConfigSource FileOnly { get; } = new(config => config);
}
