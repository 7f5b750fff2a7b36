using System.Diagnostics;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Turns a program's specification into the exact <see cref="ProcessStartInfo"/> to start, or into the reason it
/// cannot be started (missing working directory, executable or user; not allowed to switch users).
/// </summary>
internal sealed record LaunchPlan(ProcessStartInfo? StartInfo, string Executable, string? Error)
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string SetprivPath = "/usr/bin/setpriv";
    private const string EnvPath = "/usr/bin/env";

    /// <summary>The tools every launch goes through.</summary>
    public static IReadOnlyList<string> Tools { get; } = [SetsidPath, SetprivPath, EnvPath];

    public static LaunchPlan Create(ProgramSpec spec, LinuxProcessLauncherOptions options, bool captureOutput)
    {
        var workingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory;
        if (!Directory.Exists(workingDirectory))
        {
            return Failed($"working directory does not exist: '{workingDirectory}'");
        }

        var info = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = captureOutput,
            RedirectStandardError = captureOutput,
        };

        if (spec.ClearEnvironment)
        {
            info.Environment.Clear();
        }

        if (spec.User is { } user && RunAs(info, user) is { } userError)
        {
            return Failed(userError);
        }

        foreach (var (name, value) in spec.Environment)
        {
            info.Environment[name] = value;
        }

        info.Environment.TryGetValue("PATH", out var searchPath);
        if (!ExecutableLookup.TryResolve(spec.Argv[0], workingDirectory, searchPath, out var executable, out var error))
        {
            return Failed(error);
        }

        if (options.KillWithParent)
        {
            info.ArgumentList.Add(SetprivPath);
            info.ArgumentList.Add("--pdeathsig");
            info.ArgumentList.Add("KILL");
        }

        // env would read a path containing '=' as a variable assignment; such a program keeps SIGPIPE ignored.
        if (!executable.Contains('=', StringComparison.Ordinal))
        {
            info.ArgumentList.Add(EnvPath);
            info.ArgumentList.Add("--default-signal");
        }

        info.ArgumentList.Add(executable);
        foreach (var argument in spec.Argv.AsSpan()[1..])
        {
            info.ArgumentList.Add(argument);
        }

        return new LaunchPlan(info, executable, null);
    }

    /// <summary>Runs the program as <paramref name="user"/>, with that user's HOME, USER and LOGNAME.</summary>
    /// <returns>Why that is impossible, or <see langword="null"/>.</returns>
    private static string? RunAs(ProcessStartInfo info, string user)
    {
        if (UserAccounts.Find(user) is not { } account)
        {
            return $"cannot run as user '{user}': no such user";
        }

        var self = UserAccounts.EffectiveUid;
        if (self != 0 && self != account.Uid)
        {
            return $"cannot run as user '{user}': krust-pm runs as uid {self}, and only root can switch users";
        }

        info.UserName = account.Name;
        info.Environment["HOME"] = account.Home;
        info.Environment["USER"] = account.Name;
        info.Environment["LOGNAME"] = account.Name;
        return null;
    }

    private static LaunchPlan Failed(string error) => new(null, string.Empty, error);
}
