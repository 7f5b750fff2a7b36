using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>Says how a process ended (the engine's wording, also used in the log files' exit markers).</summary>
internal static class ExitDescriptions
{
    public static string Describe(int exitCode) => Signals.DescribeExit(exitCode);
}
