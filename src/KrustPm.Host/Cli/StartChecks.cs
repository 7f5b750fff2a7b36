using System.Collections.Immutable;
using KrustPm.Host.Config;

namespace KrustPm.Host.Cli;

/// <summary>How far the checks go: <c>run</c> prepares to start, <c>check</c> only looks.</summary>
internal enum StartMode
{
    /// <summary><c>krust-pm run</c>: creates <c>log_dir</c>; whether the address is free is learnt by binding it.</summary>
    Run,

    /// <summary><c>krust-pm check</c>: creates nothing; also warns when the address is in use right now.</summary>
    Check,
}

/// <summary>
/// What krust-pm checks before it starts anything, one code path for <c>run</c> and <c>krust-pm check</c>: the file
/// is found and valid, a token from the environment is long enough, an address other machines can reach has a token,
/// the log directory can be written, and the server address can be listened on (the host name resolves, nothing but a
/// stale socket is at a Unix socket's path). Every problem goes to stderr, one line each, at most
/// <see cref="MaxProblemsShown"/>.
/// </summary>
internal static class StartChecks
{
    /// <summary>Past this many problems the rest are counted, not printed.</summary>
    public const int MaxProblemsShown = 50;

    /// <summary>Loads the configuration found at <paramref name="location"/>, reporting every problem.</summary>
    /// <returns>The configuration with its warnings, or <see langword="null"/> after reporting why not.</returns>
    public static async Task<ConfigLoadResult?> LoadWithWarningsAsync(ConfigLocation location, string consequence)
    {
        if (location.Path is null)
        {
            await Console.Error.WriteLineAsync($"krust-pm: {location.Error}");
            return null;
        }

        var loaded = ConfigLoader.Load(location.Path);
        if (loaded.Config is null)
        {
            await WriteAsync(loaded.Problems);
            await Console.Error.WriteLineAsync($"krust-pm: {loaded.Problems.Length} problem(s) in the configuration; {consequence}.");
            return null;
        }

        return loaded;
    }

    /// <summary>Runs every check of <paramref name="mode"/>.</summary>
    /// <returns>
    /// The configuration ready to run, with what may still fail when it starts (for <see cref="StartMode.Check"/>);
    /// <see langword="null"/> after reporting why not.
    /// </returns>
    public static async Task<(KrustConfig Config, ImmutableArray<ConfigProblem> Warnings)?> PrepareAsync(
        string? explicitConfig, Func<KrustConfig, KrustConfig> adjust, StartMode mode)
    {
        var consequence = mode == StartMode.Run ? "nothing was started" : "the configuration is not valid";
        var location = ConfigLocator.Locate(explicitConfig, Environment.CurrentDirectory);
        if (await LoadWithWarningsAsync(location, consequence) is not { Config: { } loaded } result)
        {
            return null;
        }

        var config = adjust(loaded);
        var warnings = result.Warnings;
        // The same rule as auth_token in the file: the variable must not be a way around it.
        if (Environment.GetEnvironmentVariable("KRUST_PM_TOKEN") is { Length: > 0 and < ConfigDocumentReader.MinTokenLength })
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: KRUST_PM_TOKEN must be at least {ConfigDocumentReader.MinTokenLength} characters long " +
                $"(a shorter token can be guessed); {consequence}.");
            return null;
        }

        config = WithEnvironmentToken(config);

        if (config.AuthToken is null && !config.Server.IsLoopback)
        {
            return await RefuseAsync(
                $"{config.Path}: server-port {config.Server} is reachable from other machines; set auth_token " +
                $"(or KRUST_PM_TOKEN) so that not anyone can control your processes, or listen on localhost", consequence);
        }

        if (LogDirectoryCheck.Problem(config.LogDirectory, create: mode == StartMode.Run) is { } logs)
        {
            return await RefuseAsync($"{config.Path}: log_dir {config.LogDirectory} {logs}", consequence);
        }

        if (LogFileFolders(config) is { } logFile)
        {
            return await RefuseAsync($"{config.Path}: {logFile}", consequence);
        }

        if (config.Cgroup is not (KrustConfig.CgroupOff or KrustConfig.CgroupAuto)
            && KrustPm.Engine.Linux.CgroupTree.Probe(config.Cgroup, out var unusable) is null)
        {
            return await RefuseAsync($"{config.Path}: cgroup \"{config.Cgroup}\": {unusable}", consequence);
        }

        if (LimitProblem(config) is { } limits)
        {
            return await RefuseAsync($"{config.Path}: {limits}", consequence);
        }

        switch (ServerAddressCheck.Inspect(config.Server, tryBinding: mode == StartMode.Check))
        {
            case { IsWarning: false } error:
                return await RefuseAsync($"{config.Path}: {error.Message}", consequence);
            case { IsWarning: true } warning:
                warnings = warnings.Add(new ConfigProblem(
                    config.Path, null, null, ConfigDocumentReader.ServerPortKey, $"key '{ConfigDocumentReader.ServerPortKey}': {warning.Message}") { IsWarning = true });
                break;
        }

        return (config, warnings);
    }

    /// <summary>
    /// Whether each <c>stdout_log</c> / <c>stderr_log</c> can be kept: its folder (up to the first placeholder, which
    /// differs per instance) is one, or can be created, and files can be made in it; checked without leaving anything
    /// behind (the folders are made when the first instance starts). A program whose file cannot be opened would run
    /// with its output lost, so it is refused at start, as <c>log_dir</c> is.
    /// </summary>
    private static string? LogFileFolders(KrustConfig config)
    {
        foreach (var program in config.Programs.Where(p => p.Log.Enabled && !p.Log.Inherit))
        {
            foreach (var (key, path) in new[] { ("stdout_log", program.Log.StdoutPath), ("stderr_log", program.Log.StderrPath) })
            {
                if (path is null)
                {
                    continue;
                }

                var placeholder = path.IndexOf('{', StringComparison.Ordinal);
                var folder = Path.GetDirectoryName(placeholder < 0 ? path : path[..placeholder]);
                if (folder is not null && LogDirectoryCheck.Problem(folder, create: false) is { } problem)
                {
                    return $"program '{program.Name}': {key} {path}: its folder {folder} {problem}";
                }
            }
        }

        return null;
    }

    /// <summary>The configuration with <c>KRUST_PM_TOKEN</c>, when set, as its token (it overrides <c>auth_token</c>).</summary>
    public static KrustConfig WithEnvironmentToken(KrustConfig config) =>
        Environment.GetEnvironmentVariable("KRUST_PM_TOKEN") is { Length: > 0 } token ? config with { AuthToken = token } : config;

    /// <summary>Prints problems one per line, the first <see cref="MaxProblemsShown"/> only, then how many more there are.</summary>
    public static async Task WriteAsync(IReadOnlyList<ConfigProblem> problems)
    {
        foreach (var problem in problems.Take(MaxProblemsShown))
        {
            await Console.Error.WriteLineAsync($"krust-pm: {problem}");
        }

        if (problems.Count > MaxProblemsShown)
        {
            await Console.Error.WriteLineAsync($"krust-pm: ... and {problems.Count - MaxProblemsShown} more problem(s) not shown");
        }
    }

    private static async Task<(KrustConfig, ImmutableArray<ConfigProblem>)?> RefuseAsync(string problem, string consequence)
    {
        await Console.Error.WriteLineAsync($"krust-pm: {problem}; {consequence}.");
        return null;
    }

    /// <summary>
    /// Why the limits that programs set (<c>memory_max</c>, <c>cpu_max</c>, <c>pids_max</c>) cannot be enforced where
    /// krust-pm's cgroup tree would go: no usable cgroup v2, or a controller it does not offer; else <see langword="null"/>.
    /// </summary>
    private static string? LimitProblem(KrustConfig config)
    {
        var limited = config.Programs.Where(p => p.Process.Controllers.Any()).ToList();
        if (limited.Count == 0)
        {
            return null;
        }

        var first = limited[0];
        var what = $"the limits of {(limited.Count == 1 ? $"program '{first.Name}'" : $"{limited.Count} programs ('{first.Name}'...)")} ({string.Join(", ", limited.SelectMany(p => p.Process.CgroupLimits.Select(l => l.Key)).Distinct())}) cannot be enforced";
        if (config.Cgroup == KrustConfig.CgroupOff)
        {
            return $"{what}: cgroup containment is off (--cgroup off)"; // the file's own cgroup = "off" is a configuration error already
        }

        if (KrustPm.Engine.Linux.CgroupTree.Probe(config.Cgroup == KrustConfig.CgroupAuto ? null : config.Cgroup, out var unusable) is not { } parent)
        {
            return $"{what}: cgroup v2 is not usable ({unusable})";
        }

        return KrustPm.Engine.Linux.CgroupTree.ControllerProblem(parent, limited.SelectMany(p => p.Process.Controllers)) is { } missing
            ? $"{what}: {missing}"
            : null;
    }
}
