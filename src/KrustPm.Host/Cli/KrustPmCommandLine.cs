using System.CommandLine;
using System.CommandLine.Help;
using KrustPm.Host.Config;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Cli;

/// <summary>krust-pm's command line: find and check the configuration, then run the supervisor.</summary>
internal static class KrustPmCommandLine
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    /// <param name="args">The command line.</param>
    /// <param name="startup">SIGTERM and SIGINT caught since <c>Main</c> began: kept by <c>run</c>, released by other commands.</param>
    public static async Task<int> InvokeAsync(string[] args, StartupStop startup)
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
        var freshOption = new Option<bool>("--fresh")
        {
            Description = "Start from the configuration alone: what the journal kept (scales, stops, deleted instances) is not restored.",
        };
        var logFormatOption = new Option<string?>("--log-format")
        {
            Description = "krust-pm's own log format on stderr: text (default) or json. Overrides log_format.",
            HelpName = "FORMAT",
        };
        logFormatOption.AcceptOnlyFromAmong("text", "json");
        var cgroupOption = new Option<string?>("--cgroup")
        {
            Description = "How to contain the programs' processes: auto (a cgroup v2 tree where one can be made), off (process groups) or the absolute path of a cgroup v2 directory. Overrides cgroup.",
            HelpName = "MODE",
        };
        cgroupOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } mode && mode is not (KrustConfig.CgroupAuto or KrustConfig.CgroupOff) && !Path.IsPathFullyQualified(mode))
            {
                result.AddError($"--cgroup '{mode}': expected auto, off or the absolute path of a cgroup v2 directory.");
            }
        });

        var root = new RootCommand(
            "krust-pm: a pocket process manager. Starts the programs of a TOML file, restarts them when they fail, " +
            "and serves their state as JSON.")
        {
            configOption,
            attachOption,
            logFormatOption,
            freshOption,
            cgroupOption,
        };
        Func<ParseResult, CancellationToken, Task<int>> run = (parse, _) => RunAsync(
            parse.GetValue(configOption),
            new Overrides(parse.GetValue(attachOption), parse.GetValue(logFormatOption), parse.GetValue(freshOption), parse.GetValue(cgroupOption)),
            hostArgs,
            startup);
        root.SetAction(run);

        // `krust-pm run` is the same as `krust-pm`: its options are the root's, given after the word.
        // --config applies to every command; the others only to running the supervisor.
        var runCommand = new Command("run", "Run the supervisor (the same as krust-pm without a command).")
        {
            attachOption,
            logFormatOption,
            freshOption,
            cgroupOption,
        };
        runCommand.SetAction(run);
        root.Subcommands.Add(runCommand);
        configOption.Recursive = true;

        var strictOption = new Option<bool>("--strict")
        {
            Description = "Treat warnings (a user or an executable not found now, an address in use now) as errors: exit 2.",
        };
        var check = new Command(
            "check",
            "Check a configuration as krust-pm would before starting, without starting anything: every problem with file, line, program and key; exit 0 only when valid.")
        {
            strictOption,
        };
        check.SetAction((parse, _) => CheckAsync(parse.GetValue(configOption), parse.GetValue(strictOption)));
        root.Subcommands.Add(check);

        var urlOption = new Option<string?>("--url")
        {
            Description = "The running krust-pm's address (default: KRUST_PM_URL, else server-port of the config file).",
            HelpName = "URL",
        };
        var nameArgument = new Argument<string?>("NAME") { Description = "One program (default: all).", Arity = ArgumentArity.ZeroOrOne };
        nameArgument.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Names);
        var jsonOption = new Option<bool>("--json") { Description = "Print the API's JSON answer instead of text (for scripts)." };
        var status = new Command("status", "Show the running krust-pm's programs and instances: name, id, status, pid, uptime, CPU, memory, tries, last exit. Exits 4 when an instance needs attention (RetriesExceeded, Failed or Blocked).")
        {
            nameArgument,
            jsonOption,
            urlOption,
        };
        status.SetAction(async (parse, _) =>
            await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption)) is { } connection
                ? await StatusCommand.RunAsync(connection, parse.GetValue(nameArgument), parse.GetValue(jsonOption), Console.Out, TimeProvider.System)
                : ExitUsage);
        root.Subcommands.Add(status);
        ControlCommands.Add(root, configOption, urlOption, jsonOption);
        ReloadCommand.Add(root, configOption, urlOption, jsonOption);
        StreamCommands.Add(root, configOption, urlOption);
        WaitCommand.Add(root, configOption, urlOption);
        TopCommand.Add(root, configOption, urlOption);
        CompletionCommand.Add(root);
        JournalCommands.Add(root, configOption);
        ExportCommand.Add(root, configOption);
        SchemaCommand.Add(root);
        ImportCommand.Add(root);

        var version = new Command("version", "Print krust-pm's version.");
        version.SetAction(_ => Console.Out.WriteLine($"krust-pm {Version()}\ncontainment: {Containment.DescribeAuto()}"));
        root.Subcommands.Add(version);

        // No response files: `@web` names a group of programs, not a file of arguments.
        var parse = root.Parse(commandLine, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0 || (parse.CommandResult.Command != root && parse.CommandResult.Command != runCommand))
        {
            startup.Release(); // not the supervisor: SIGTERM and SIGINT act as they normally do
        }

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
        if (parse.Action is HelpAction && parse.CommandResult.Command == root)
        {
            var help = new StringWriter();
            var exit = await parse.InvokeAsync(new InvocationConfiguration { Output = help });
            await Console.Out.WriteAsync(HelpLabels.MarkOptionalArguments(root, help.ToString()));
            return exit;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> RunAsync(string? explicitConfig, Overrides overrides, string[] hostArgs, StartupStop stop)
    {
        using var signals = ProcessSignals.Install(); // SIGHUP, SIGUSR1, ... never end krust-pm, even while it starts

        // SIGTERM or SIGINT before the host handles them (while checking, building, starting) is a clean stop too.
        if (await StartChecks.PrepareAsync(explicitConfig, overrides.Apply, StartMode.Run) is not { Config: var config })
        {
            return ExitUsage;
        }

        if (!DescriptorLimit.EnoughToRun())
        {
            return ExitFailed;
        }

        if (stop.Requested)
        {
            return await StoppedBeforeStartAsync();
        }

        if (config.Subreaper && !ContainerInit.IsChild)
        {
            // This process becomes the init that reaps the orphans; krust-pm runs as its child (see ContainerInit).
            signals.Dispose();
            return ContainerInit.Run(subreaper: true);
        }

        using var journal = JournalSetup.Open(config, overrides.Fresh, Console.Error);
        if (journal is null)
        {
            return ExitUsage;
        }

        // Before the host: krust-pm moves itself into its cgroup tree's leaf; disposed after it (the tree is removed).
        using var containment = Containment.Open(config, Console.Error);
        if (containment is null)
        {
            return ExitFailed;
        }

        await using var app = KrustPmApp.Build(config, new ConfigSource(file => StartChecks.WithEnvironmentToken(overrides.Apply(file))), hostArgs, journal, containment);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        using var bridge = stop.Token.Register(lifetime.StopApplication);
        signals.Attach(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ProcessSignals>(), app.Services.GetRequiredService<LogFileReopener>(), app.Services.GetRequiredService<ConfigReload>());
        try
        {
            // Programs start only once the server listens (EngineService), so a failed bind leaves nothing running.
            await app.StartAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.Requested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped while starting: stop what has started (the engine stops every instance it launched), exit 0.
            await app.StopAsync(CancellationToken.None);
            return ExitOk;
        }
        catch (Exception error)
        {
            // The host's own log of this is filtered out (KrustPmApp): one line here, no stack trace.
            await Console.Error.WriteLineAsync($"krust-pm: {StartFailure(config, error)}; nothing was started.");
            return ExitFailed;
        }

        // Resolved now: a host embedded in a test may be disposed by its owner before the wait returns.
        var exitCondition = app.Services.GetRequiredService<ExitCondition>();
        try
        {
            await app.WaitForShutdownAsync(CancellationToken.None);

            // exit_when stopped it: the code says what happened (0 after any other clean stop).
            return exitCondition.Decision?.ExitCode ?? ExitOk;
        }
        catch (Exception error)
        {
            await Console.Error.WriteLineAsync($"krust-pm: the shutdown did not complete cleanly: {error.GetBaseException().Message}");
            return ExitFailed;
        }
    }

    private static async Task<int> StoppedBeforeStartAsync()
    {
        await Console.Error.WriteLineAsync("krust-pm: stopped during start-up; nothing was started.");
        return ExitOk;
    }

    /// <summary>Why the host did not start, in one line.</summary>
    private static string StartFailure(KrustConfig config, Exception error) => error switch
    {
        StartRefusedException refused => refused.Message,
        IOException when error.Message.StartsWith("Failed to bind", StringComparison.Ordinal) =>
            $"cannot listen on {config.Server} (server-port in {config.Path}): {Sentence(error.InnerException?.GetBaseException() ?? error)}",
        _ => $"could not start: {Sentence(error.GetBaseException())}",
    };

    /// <summary>An exception's message as part of a sentence: first letter lower-case, no final full stop.</summary>
    private static string Sentence(Exception error)
    {
        var message = error.Message.TrimEnd('.');
        return message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1])
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
    }

    /// <summary><c>krust-pm check</c>: every check <c>run</c> makes before starting anything, and nothing else.</summary>
    private static async Task<int> CheckAsync(string? explicitConfig, bool strict)
    {
        if (await StartChecks.PrepareAsync(explicitConfig, config => config, StartMode.Check) is not { } prepared)
        {
            return ExitUsage;
        }

        var (config, warnings) = prepared;
        await StartChecks.WriteAsync(warnings);
        if (strict && warnings.Length > 0)
        {
            await Console.Error.WriteLineAsync($"krust-pm: {warnings.Length} warning(s) with --strict; the configuration is not valid.");
            return ExitUsage;
        }

        var names = string.Join(", ", config.Programs.Select(p => $"{p.Name} ({p.Instances})"));
        var valid = warnings.Length == 0 ? "valid" : $"valid, with {warnings.Length} warning(s)";
        await Console.Out.WriteLineAsync(
            $"{config.Path}: {valid}; {config.Programs.Length} program(s){(names.Length > 0 ? ": " + names : string.Empty)}; API on {config.Server}");
        return ExitOk;
    }

    /// <summary>krust-pm's version (with the commit when it was built from one).</summary>
    internal static string Version() =>
        typeof(KrustPmCommandLine).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
            .FirstOrDefault()?.InformationalVersion ?? "unknown";

    /// <summary>Command-line options that override the configuration file.</summary>
    internal sealed record Overrides(bool Attach, string? LogFormat, bool Fresh = false, string? Cgroup = null)
    {
        /// <summary>
        /// As a container's entrypoint (PID 1) with no <c>log_dir</c> of its own, krust-pm prints its programs' output
        /// on its stdout as <c>name.id | line</c> (attach mode), where <c>docker logs</c> and <c>kubectl logs</c> read it.
        /// </summary>
        private static bool ContainerOutput(KrustConfig config) =>
            ContainerInit.IsContainerEntrypoint && config.LogDirectory == (new KrustConfig(config.Path, config.Server, []).LogDirectory);

        public KrustConfig Apply(KrustConfig config) => config with
        {
            Attach = config.Attach || Attach || ContainerOutput(config),
            LogFormat = LogFormat switch
            {
                "json" => Config.LogFormat.Json,
                "text" => Config.LogFormat.Text,
                _ => config.LogFormat,
            },
            Cgroup = Cgroup is null ? config.Cgroup : Path.TrimEndingDirectorySeparator(Cgroup),
            CgroupWritten = config.CgroupWritten || Cgroup is not null,
        };
    }
}
