using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>Says how a process ended, from the exit code .NET reports (128 + N for signal N).</summary>
internal static class ExitDescriptions
{
    public static string Describe(int exitCode) => exitCode is > 128 and < 160
        ? $"killed by signal {exitCode - 128} (SIG{Signals.NameOf(exitCode - 128)})"
        : $"exited with code {exitCode}";
}
