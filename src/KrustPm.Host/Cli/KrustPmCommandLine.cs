using System.CommandLine;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Cli;

/// <summary>krust-pm's command line: find and check the configuration, then run the supervisor.</summary>
internal static class KrustPmCommandLine
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> InvokeAsync(string[] args)
    {
        var (commandLine, hostArgs) = HostArguments.Split(args);
        var configOption = new Option<string?>("--config", "-c")
        {
            Description = "The configuration file. Default: krust-pm.toml, else rust-pm.toml, in the current folder.",
            HelpName = "FILE",
        };

        var attachOption = new Option<bool>("--attach")
        {
            Description = "Also print every line of every instance on stdout, as 'name.id | line' (foreground mode).",
        };
        var logFormatOption = new Option<string?>("--log-format")
        {
            Description = "krust-pm's own log format on stderr: text (default) or json. Overrides log_format.",
            HelpName = "FORMAT",
        };
        logFormatOption.AcceptOnlyFromAmong("text", "json");

        var root = new RootCommand(
            "krust-pm: a pocket process manager. Starts the programs of a TOML file, restarts them when they fail, " +
            "and serves their state as JSON.")
        {
            configOption,
            attachOption,
            logFormatOption,
        };
        root.SetAction((parse, _) => RunAsync(
            parse.GetValue(configOption),
            new Overrides(parse.GetValue(attachOption), parse.GetValue(logFormatOption)),
            hostArgs));

        var parse = root.Parse(commandLine);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"krust-pm: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Try 'krust-pm --help'.");
            return ExitUsage;
        }

        // The web host handles SIGINT/SIGTERM itself (stop every instance, then exit 0); System.CommandLine must
        // not force the process down while that runs.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> RunAsync(string? explicitConfig, Overrides overrides, string[] hostArgs)
    {
        var location = ConfigLocator.Locate(explicitConfig, Environment.CurrentDirectory);
        if (location.Path is null)
        {
            await Console.Error.WriteLineAsync($"krust-pm: {location.Error}");
            return ExitUsage;
        }

        var loaded = ConfigLoader.Load(location.Path);
        if (loaded.Config is not { } config)
        {
            foreach (var problem in loaded.Problems)
            {
                await Console.Error.WriteLineAsync($"krust-pm: {problem}");
            }

            await Console.Error.WriteLineAsync($"krust-pm: {loaded.Problems.Length} problem(s) in the configuration; nothing was started.");
            return ExitUsage;
        }

        config = overrides.Apply(config);
        if (Environment.GetEnvironmentVariable("KRUST_PM_TOKEN") is { Length: > 0 } token)
        {
            // The same rule as auth_token in the file: the variable must not be a way around it.
            if (token.Length < ConfigDocumentReader.MinTokenLength)
            {
                await Console.Error.WriteLineAsync(
                    $"krust-pm: KRUST_PM_TOKEN must be at least {ConfigDocumentReader.MinTokenLength} characters long " +
                    "(a shorter token can be guessed); nothing was started.");
                return ExitUsage;
            }

            config = config with { AuthToken = token };
        }

        if (config.AuthToken is null && !config.Server.IsLoopback)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: {config.Path}: server-port {config.Server} is reachable from other machines; set auth_token " +
                "(or KRUST_PM_TOKEN) so that not anyone can control your processes, or listen on localhost; nothing was started.");
            return ExitUsage;
        }

        if (OutputStore.CheckWritable(config.LogDirectory) is { } unwritable)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: {config.Path}: log_dir {config.LogDirectory} cannot be written: {unwritable}; nothing was started.");
            return ExitUsage;
        }

        await using var app = KrustPmApp.Build(config, hostArgs);
        try
        {
            // Programs start only once the server listens (EngineService), so a failed bind leaves nothing running.
            await app.RunAsync();
            return ExitOk;
        }
        catch (IOException error) when (error.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"krust-pm: cannot listen on {config.Server} (server-port in {config.Path}): {error.Message}");
            return ExitFailed;
        }
    }

    /// <summary>Command-line options that override the configuration file.</summary>
    private sealed record Overrides(bool Attach, string? LogFormat)
    {
        public KrustConfig Apply(KrustConfig config) => config with
        {
            Attach = config.Attach || Attach,
            LogFormat = LogFormat switch
            {
                "json" => Config.LogFormat.Json,
                "text" => Config.LogFormat.Text,
                _ => config.LogFormat,
            },
        };
    }
}
