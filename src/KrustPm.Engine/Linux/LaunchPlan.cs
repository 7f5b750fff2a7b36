using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace KrustPm.Engine.Linux;

/// <summary>
/// What one try of a program executes, worked out before anything is started: the argv to exec, its environment and
/// working directory. <see cref="Argv"/>[0] is the file to exec: the program itself, or <c>setpriv</c> in front of it
/// when the program must run as another user (<c>--reuid --regid --groups</c>, and <c>--pdeathsig KILL</c> when it
/// must die with krust-pm), or <see cref="DeathSignal"/>'s when it must only die with krust-pm; in front of that, <see cref="ProcessSettingsWrapper"/>'s execs when the
/// program has a umask, a nice value or resource limits; first of all, for a run contained in a cgroup, <see
/// cref="CgroupEnter"/>'s, which moves it into its instance's cgroup. The reasons a program cannot be started (missing working
/// directory, executable or user; not allowed to switch users or to apply the program's settings) are found here, as
/// readable start failures.
/// </summary>
/// <param name="Program">The program's executable, resolved (what the user's messages name).</param>
/// <param name="Argv">What to exec: the file first, as an absolute path.</param>
/// <param name="Environment">The complete environment of the child.</param>
/// <param name="WorkingDirectory">The child's working directory (it exists).</param>
internal sealed record LaunchPlan(string Program, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory)
{
    /// <summary>The one wrapper (util-linux): it sets the parent-death signal and switches users, then execs in place.</summary>
    public const string SetprivPath = "/usr/bin/setpriv";

    /// <summary>Works out how to start <paramref name="spec"/>.</summary>
    /// <param name="spec">The program (with its instance's values).</param>
    /// <param name="options">The launcher's options.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="error">Why the program cannot be started.</param>
    /// <param name="cgroupProcs">
    /// The <c>cgroup.procs</c> of the run's instance cgroup, when runs are contained in cgroups: the child moves itself
    /// there first (<see cref="CgroupEnter"/>), and needs no parent-death signal when there is a guardian (it kills
    /// krust-pm's whole cgroup tree if krust-pm dies), so <c>setpriv</c> is then left out unless the program runs as
    /// another user.
    /// </param>
    public static bool TryCreate(
        ProgramSpec spec,
        LinuxProcessLauncherOptions options,
        [NotNullWhen(true)] out LaunchPlan? plan,
        [NotNullWhen(false)] out string? error,
        string? cgroupProcs = null)
    {
        plan = null;
        var workingDirectory = spec.WorkingDirectory ?? System.Environment.CurrentDirectory;
        if (!Directory.Exists(workingDirectory))
        {
            error = $"working directory does not exist: '{workingDirectory}'";
            return false;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!spec.ClearEnvironment)
        {
            // .NET keeps its own copy of the environment (SetEnvironmentVariable does not change libc's environ).
            foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
            {
                environment[(string)variable.Key] = (string?)variable.Value ?? string.Empty;
            }

            // krust-pm's secrets (its API token) are its own: a program, whatever user it runs as, could otherwise
            // drive krust-pm with them. The program's env, applied below, may still set them on purpose.
            foreach (var name in options.WithheldEnvironment)
            {
                environment.Remove(name);
            }

            // The folder the program starts in, as a shell would say (and as the cgroup wrapper's sh would set it):
            // krust-pm's own PWD is no business of the program's.
            environment["PWD"] = workingDirectory;
        }

        var credentials = new List<string>();
        if (spec.User is { } user && (error = RunAs(user, environment, credentials)) is not null)
        {
            return false;
        }

        if ((error = ProcessSettingsCheck.Problem(spec.Process)) is not null)
        {
            return false;
        }

        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        environment.TryGetValue("PATH", out var searchPath);
        if (!ExecutableLookup.TryResolve(spec.Argv[0], workingDirectory, searchPath, out var executable, out error))
        {
            return false;
        }

        // First the move into the cgroup (nothing of the program's may run outside it); before setpriv, raising a hard
        // limit or lowering the nice value (they need root, before the switch of user).
        var argv = cgroupProcs is null ? [] : new List<string>(CgroupEnter.Prefix(cgroupProcs));
        argv.AddRange(ProcessSettingsWrapper.Prefix(spec.Process));
        var deathSignal = options.KillWithParent && (cgroupProcs is null || !options.Guardian);
        // death-signal lives in a close-on-exec memfd: it can only be the first exec of a posix_spawn'd run.
        var spawnedFirst = argv.Count == 0 && options.SpawnsDirectly;
        if (deathSignal && credentials.Count == 0 && spawnedFirst && DeathSignal.Path is { } helper)
        {
            argv.Add(helper); // setpriv's work, without its dynamic loading
        }
        else if (deathSignal || credentials.Count > 0)
        {
            argv.Add(SetprivPath);
            if (deathSignal)
            {
                // Set last by setpriv, after the credentials: a change of user would clear it.
                argv.AddRange(["--pdeathsig", "KILL"]);
            }

            argv.AddRange(credentials);
            argv.Add("--");
        }

        argv.Add(executable);
        argv.AddRange(spec.Argv.AsSpan()[1..]);
        plan = new LaunchPlan(executable, argv, environment, workingDirectory);
        return true;
    }

    /// <summary>
    /// Whether this process can run a program as <paramref name="user"/> now; it cannot when there is no such user,
    /// when krust-pm is not root (nor that user), or when it is root without the capabilities to switch.
    /// </summary>
    internal static bool CanRunAs(string user, [NotNullWhen(true)] out UserAccounts.Account? account, [NotNullWhen(false)] out string? problem)
    {
        account = UserAccounts.Find(user);
        var self = UserAccounts.EffectiveUid;
        problem = account is null ? $"cannot run as user '{user}': no such user"
            : self != 0 && self != account.Uid ? $"cannot run as user '{user}': krust-pm runs as uid {self}, and only root can switch users"
            : self == 0 && !UserAccounts.CanSwitchUsers
                ? $"cannot run as user '{user}': krust-pm is not allowed to switch users (it runs as root without CAP_SETUID and CAP_SETGID)"
            : null;
        return problem is null && account is not null;
    }

    /// <summary>The environment as <c>NAME=value</c> strings (an envp).</summary>
    public List<string> EnvironmentBlock() => [.. Environment.Select(variable => $"{variable.Key}={variable.Value}")];

    /// <summary>
    /// Runs the program as <paramref name="user"/>: its uid, its primary gid and its supplementary groups (as
    /// <c>initgroups</c> gives them, like <c>ProcessStartInfo.UserName</c> did), with its HOME, USER and LOGNAME.
    /// </summary>
    /// <returns>Why that is impossible, or <see langword="null"/>.</returns>
    private static string? RunAs(string user, Dictionary<string, string> environment, List<string> credentials)
    {
        if (!CanRunAs(user, out var account, out var problem))
        {
            return problem;
        }

        environment["HOME"] = account.Home;
        environment["USER"] = account.Name;
        environment["LOGNAME"] = account.Name;
        if (UserAccounts.EffectiveUid != 0)
        {
            return null; // Already that user; without privileges there is nothing more to set (nor any way to).
        }

        if (UserAccounts.Groups(account) is not { } groups)
        {
            return $"cannot run as user '{user}': its groups cannot be determined";
        }

        credentials.AddRange([
            "--reuid", account.Uid.ToString(CultureInfo.InvariantCulture),
            "--regid", account.Gid.ToString(CultureInfo.InvariantCulture),
            "--groups", string.Join(',', groups.Select(group => group.ToString(CultureInfo.InvariantCulture))),
        ]);
        return null;
    }
}
