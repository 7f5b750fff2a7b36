using KrustPm.Engine;
using KrustPm.Engine.Linux;

namespace KrustPm.Host.Config;

/// <summary>Warnings about a valid program that could not start now.</summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>
    /// Warns of what would keep the program from starting now, found as the launcher finds it at each launch: the
    /// user and the executable may still appear before krust-pm starts, so these are warnings.
    /// </summary>
    private void WarnOfStartProblems(ProgramBuilder program, ProgramSpec spec)
    {
        if (StartPreflight.UserProblem(spec) is { } user)
        {
            problems.AddWarning(program.UserLine, spec.Name, "user", user);
        }

        if (StartPreflight.ExecutableProblem(spec) is { } executable)
        {
            problems.AddWarning(program.CommandLine, spec.Name, "command", executable);
        }
    }
}
