using KrustPm.Engine.Logs;
using KrustPm.Host.Config;

namespace KrustPm.Host.Cli;

/// <summary>
/// What krust-pm checks before it starts anything (also what <c>krust-pm check</c> reports): the file is found and
/// valid, a token from the environment is long enough, an address other machines can reach has a token, and (when
/// about to run) the log directory can be written. Every problem goes to stderr, one line each.
/// </summary>
internal static class StartChecks
{
    /// <summary>Finds and loads the configuration, reporting every problem.</summary>
    /// <returns>The configuration, or <see langword="null"/> after reporting why not.</returns>
    public static async Task<KrustConfig?> LoadAsync(string? explicitConfig, string consequence)
    {
        var location = ConfigLocator.Locate(explicitConfig, Environment.CurrentDirectory);
        if (location.Path is null)
        {
            await Console.Error.WriteLineAsync($"krust-pm: {location.Error}");
            return null;
        }

        var loaded = ConfigLoader.Load(location.Path);
        if (loaded.Config is not { } config)
        {
            foreach (var problem in loaded.Problems)
            {
                await Console.Error.WriteLineAsync($"krust-pm: {problem}");
            }

            await Console.Error.WriteLineAsync($"krust-pm: {loaded.Problems.Length} problem(s) in the configuration; {consequence}.");
            return null;
        }

        return config;
    }

    /// <returns>The configuration ready to run, or <see langword="null"/> after reporting why not.</returns>
    public static async Task<KrustConfig?> PrepareAsync(string? explicitConfig, Func<KrustConfig, KrustConfig> adjust, bool forRun)
    {
        var consequence = forRun ? "nothing was started" : "the configuration is not valid";
        if (await LoadAsync(explicitConfig, consequence) is not { } config)
        {
            return null;
        }

        config = adjust(config);
        if (Environment.GetEnvironmentVariable("KRUST_PM_TOKEN") is { Length: > 0 } token)
        {
            // The same rule as auth_token in the file: the variable must not be a way around it.
            if (token.Length < ConfigDocumentReader.MinTokenLength)
            {
                await Console.Error.WriteLineAsync(
                    $"krust-pm: KRUST_PM_TOKEN must be at least {ConfigDocumentReader.MinTokenLength} characters long " +
                    $"(a shorter token can be guessed); {consequence}.");
                return null;
            }

            config = config with { AuthToken = token };
        }

        if (config.AuthToken is null && !config.Server.IsLoopback)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: {config.Path}: server-port {config.Server} is reachable from other machines; set auth_token " +
                $"(or KRUST_PM_TOKEN) so that not anyone can control your processes, or listen on localhost; {consequence}.");
            return null;
        }

        if (forRun && OutputStore.CheckWritable(config.LogDirectory) is { } unwritable)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: {config.Path}: log_dir {config.LogDirectory} cannot be written: {unwritable}; {consequence}.");
            return null;
        }

        return config;
    }
}
