namespace KrustPm.Engine.Linux;

/// <summary>
/// What would keep <see cref="LinuxProcessLauncher"/> from starting a program if it were launched now, found with
/// the lookups the launcher itself makes at each launch (the user in the password database, the executable in the
/// program's <c>PATH</c>), with the same messages. Meant for checks before anything starts (<c>krust-pm check</c>):
/// users and files can still change before the launch, so these are warnings, not errors.
/// </summary>
public static class StartPreflight
{
    /// <summary>Why the program cannot be run as its <see cref="ProgramSpec.User"/> by this process now.</summary>
    /// <param name="spec">The program.</param>
    /// <returns><see langword="null"/> when it has no user or the user can be switched to; otherwise why not.</returns>
    public static string? UserProblem(ProgramSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.User is not { } user)
        {
            return null;
        }

        return LaunchPlan.CanRunAs(user, out _, out var problem) ? null : problem;
    }

    /// <summary>Why the program's executable (the first word of its command) cannot be found or run now.</summary>
    /// <param name="spec">The program.</param>
    /// <returns><see langword="null"/> when it resolves to an executable file; otherwise why not.</returns>
    public static string? ExecutableProblem(ProgramSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Argv.IsDefaultOrEmpty)
        {
            return null;
        }

        var workingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory;
        var searchPath = spec.Environment.TryGetValue("PATH", out var path) ? path
            : spec.ClearEnvironment ? null
            : Environment.GetEnvironmentVariable("PATH");
        return ExecutableLookup.TryResolve(spec.Argv[0], workingDirectory, searchPath, out _, out var error) ? null : error;
    }
}
