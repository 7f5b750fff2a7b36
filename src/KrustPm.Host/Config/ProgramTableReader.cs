using System.Collections.Immutable;
using System.Globalization;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>Reads one <c>[program]</c> table into a <see cref="ProgramSpec"/>, reporting every problem it finds.</summary>
/// <param name="problems">Where problems go.</param>
/// <param name="configDirectory">The config file's folder: the default working directory and the base of relative ones.</param>
internal sealed partial class ProgramTableReader(ProblemList problems, string configDirectory)
{
    /// <summary>The keys a program table may contain.</summary>
    public static readonly ImmutableArray<string> KnownKeys =
    [
        "command", "args", "instances", "max_instances", "max_retries", "restart", "restart_delay_ms",
        "restart_delay_max_ms", "min_uptime_ms", "stop_timeout_ms", "stop_signal", "workdir", "env", "clear_env", "user", "log", "log_max_bytes", "log_backups",
        "depends_on", "restart_with", "readiness", "liveness", "ready_log_line",
        "autostart", "success_exit_codes", "stop_signal_target", "port_base", "groups", "umask", "nice", "rlimits",
        "stdout_log", "stderr_log", "merge_stderr", "log_timestamps", "image",
    ];

    private static readonly ImmutableArray<(string Name, RestartPolicy Policy)> RestartPolicies =
    [
        ("on-failure", RestartPolicy.OnFailure), ("always", RestartPolicy.Always), ("never", RestartPolicy.Never),
    ];

    /// <summary>Reads the table of program <paramref name="name"/>.</summary>
    /// <param name="name">The program's name.</param>
    /// <param name="table">Its <c>[name]</c> table.</param>
    /// <param name="keyTables">Its <c>[name.depends_on]</c>, <c>[name.readiness]</c> and <c>[name.liveness]</c> tables.</param>
    /// <returns>The program, or <see langword="null"/> when the table has problems.</returns>
    public ProgramSpec? Read(string name, TableSyntax table, IReadOnlyList<TableSyntax> keyTables)
    {
        var problemsBefore = problems.Count;
        var program = new ProgramBuilder(name);
        program.Spec = program.Spec with { WorkingDirectory = configDirectory };
        foreach (var item in table.Items)
        {
            ReadItem(program, item);
        }

        foreach (var keyTable in keyTables)
        {
            AddKeyTable(program, keyTable);
        }

        ReadTableKeys(program);

        if (!program.HasCommand)
        {
            problems.AddAboutKey(
                TomlSyntax.LineOf(table.OpenBracket) ?? TomlSyntax.LineOf(table), name, "command", "missing required key 'command'");
        }

        if (program.InstancesLine is { } instancesLine && program.Spec.Instances > program.Spec.MaxInstances)
        {
            problems.AddKey(
                instancesLine,
                name,
                "instances",
                $"{Format(program.Spec.Instances)} is more than max_instances ({Format(program.Spec.MaxInstances)})");
        }

        CheckSettings(program);
        if (problems.Count != problemsBefore)
        {
            return null;
        }

        var spec = program.Build();
        WarnOfStartProblems(program, spec);
        return spec;
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void ReadItem(ProgramBuilder program, KeyValueSyntax item)
    {
        var parts = TomlSyntax.KeyParts(item.Key);
        var key = parts.Count == 1 ? parts[0] : TomlSyntax.KeyText(item.Key);
        var line = TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item);
        var value = item.Value;
        var context = new KeyContext(program.Name, key, line);
        if (parts.Count > 1 && TableKeys.Contains(parts[0]))
        {
            program.Table(parts[0], line).Entries.Add(new TableEntry(string.Join('.', parts.Skip(1)), line, value));
            return;
        }

        if (parts is ["env", var variable])
        {
            if (EnvironmentReader.Read(problems, program.Name, variable, line, value, program.Spec.Environment) is { } withVariable)
            {
                program.Spec = program.Spec with { Environment = withVariable };
            }

            return;
        }

        switch (key)
        {
            case "command":
                program.HasCommand = true;
                program.CommandLine = line;
                ReadCommand(program, context, value);
                break;
            case "args":
                ReadArgs(program, context, value);
                break;
            case "instances":
                if (TryReadInt(context, value, minimum: 0, out var instances))
                {
                    program.Spec = program.Spec with { Instances = instances };
                    program.InstancesLine = line;
                }

                break;
            case "max_instances":
                if (TryReadInt(context, value, minimum: 1, out var maxInstances))
                {
                    program.Spec = program.Spec with { MaxInstances = maxInstances };
                }

                break;
            case "max_retries":
                if (TryReadInt(context, value, minimum: 0, out var maxRetries))
                {
                    program.Spec = program.Spec with { MaxRetries = maxRetries };
                }

                break;
            case "restart":
                ReadRestart(program, context, value);
                break;
            case "restart_delay_ms":
                if (TryReadMilliseconds(context, value, out var restartDelay))
                {
                    program.Spec = program.Spec with { RestartDelay = restartDelay };
                }

                break;
            case "restart_delay_max_ms":
                if (TryReadMilliseconds(context, value, out var restartDelayMax))
                {
                    program.Spec = program.Spec with { RestartDelayMax = restartDelayMax };
                }

                break;
            case "min_uptime_ms":
                if (TryReadMilliseconds(context, value, out var minUptime))
                {
                    program.Spec = program.Spec with { MinUptime = minUptime };
                }

                break;
            case "stop_timeout_ms":
                if (TryReadMilliseconds(context, value, out var stopTimeout))
                {
                    program.Spec = program.Spec with { StopTimeout = stopTimeout };
                }

                break;
            case "stop_signal":
                ReadStopSignal(program, context, value);
                break;
            case "workdir":
                ReadWorkdir(program, context, value);
                break;
            case "env":
                if (value is InlineTableSyntax inline
                    && EnvironmentReader.Read(problems, program.Name, inline.Items.Select(i => i.KeyValue).OfType<KeyValueSyntax>(), program.Spec.Environment) is { } environment)
                {
                    program.Spec = program.Spec with { Environment = environment };
                }
                else if (value is not InlineTableSyntax)
                {
                    Report(context, $"expected a table of variables such as {{ KEY = \"value\" }}, got {TomlSyntax.Describe(value)}");
                }

                break;
            case "log":
                ReadLog(program, context, value);
                break;
            case "log_max_bytes":
                if (TryReadSize(context, value, out var maxBytes))
                {
                    program.Spec = program.Spec with { Log = program.Spec.Log with { MaxBytes = maxBytes } };
                }

                break;
            case "log_backups":
                if (TryReadInt(context, value, minimum: 0, out var backups))
                {
                    program.Spec = program.Spec with { Log = program.Spec.Log with { Backups = backups } };
                }

                break;
            case "clear_env":
                if (value is BooleanValueSyntax clear)
                {
                    program.Spec = program.Spec with { ClearEnvironment = clear.Value };
                }
                else
                {
                    Report(context, $"expected true or false, got {TomlSyntax.Describe(value)}");
                }

                break;
            case "user":
                if (value is StringValueSyntax { Value: { } withNul } && ProgramRules.OsStringProblem(withNul) is { } nul)
                {
                    Report(context, nul);
                }
                else if (value is StringValueSyntax { Value: { Length: > 0 } user } && !user.Any(char.IsWhiteSpace))
                {
                    program.Spec = program.Spec with { User = user };
                    program.UserLine = line;
                }
                else
                {
                    Report(context, $"expected a user name, got {TomlSyntax.Describe(value)}");
                }

                break;
            case "depends_on" or "readiness" or "liveness" or "rlimits":
                AddTableKey(program, key, line, value);
                break;
            case "restart_with":
                if (value is BooleanValueSyntax restartWith)
                {
                    program.Spec = program.Spec with { RestartWith = restartWith.Value };
                }
                else
                {
                    Report(context, $"expected true or false, got {TomlSyntax.Describe(value)}");
                }

                break;
            case "ready_log_line":
                ReadReadyLogLine(program, context, value);
                break;
            case "image":
                if (value is StringValueSyntax { Value: { Length: > 0 } image } && !image.Any(char.IsWhiteSpace) && !image.Contains('\0', StringComparison.Ordinal))
                {
                    program.Spec = program.Spec with { Image = image };
                }
                else
                {
                    Report(context, $"expected a container image reference such as \"python:3.12-slim\", got {TomlSyntax.Describe(value)}");
                }

                break;
            case var _ when ReadSetting(program, context, value):
                break;
            default:
                problems.AddAboutKey(
                    line, program.Name, key, $"unknown key '{key}'{KeySuggester.Hint(key, KnownKeys)}");
                break;
        }
    }

    private void ReadCommand(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: { } command })
        {
            Report(context, $"expected a string, got {TomlSyntax.Describe(value)}");
        }
        else if (string.IsNullOrWhiteSpace(command))
        {
            Report(context, "must not be empty");
        }
        else if (ProgramRules.OsStringProblem(command) is { } nul)
        {
            Report(context, nul);
        }
        else if (!CommandSplitter.TrySplit(command, Environment.GetEnvironmentVariable, out var words, out var error))
        {
            Report(context, error);
        }
        else if (words[0].Length == 0)
        {
            Report(context, "the program to run (the first word) is empty");
        }
        else
        {
            program.Spec = program.Spec with { Command = command };
            program.Words = words;
            program.Templates.AddRange(words.Select(word => (context.Key, context.Line, word)));
        }
    }

    private void ReadArgs(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not ArraySyntax array)
        {
            Report(context, $"expected an array of strings, got {TomlSyntax.Describe(value)}");
            return;
        }

        var args = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in array.Items)
        {
            index++;
            var at = context with { Line = TomlSyntax.LineOf(item.Value) ?? context.Line };
            if (item.Value is not StringValueSyntax { Value: { } text })
            {
                Report(at, $"item {Format(index)}: expected a string, got {TomlSyntax.Describe(item.Value)}");
            }
            else if (ProgramRules.OsStringProblem(text) is { } nul)
            {
                Report(at, $"item {Format(index)}: {nul}");
            }
            else if (EnvironmentExpander.TryExpand(text, null, out var expanded) is { } undefined)
            {
                Report(at, $"item {Format(index)}: {undefined}");
            }
            else
            {
                args.Add(expanded);
                program.Templates.Add((context.Key, at.Line, expanded));
            }
        }

        program.Args = args.ToImmutable();
    }

    private void ReadStopSignal(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        var names = string.Join(", ", Signals.Names);
        if (value is not StringValueSyntax { Value: { } name })
        {
            Report(context, $"expected a signal name such as \"TERM\", got {TomlSyntax.Describe(value)}");
        }
        else if (!Signals.TryParse(name, out var signal))
        {
            Report(context, $"unknown signal {TomlSyntax.Quote(name)}; expected one of {names} (optionally with a SIG prefix)");
        }
        else
        {
            program.Spec = program.Spec with { StopSignal = signal };
        }
    }

    private void ReadWorkdir(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: { } workdir })
        {
            Report(context, $"expected a directory path string, got {TomlSyntax.Describe(value)}");
            return;
        }

        if (workdir.Length == 0)
        {
            Report(context, "must not be empty");
            return;
        }

        if (ProgramRules.OsStringProblem(workdir) is { } nul)
        {
            Report(context, nul);
            return;
        }

        string full;
        try
        {
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workdir, configDirectory));
        }
        catch (ArgumentException)
        {
            Report(context, $"invalid path {TomlSyntax.Quote(workdir)}");
            return;
        }

        if (Placeholders.HasAny(workdir))
        {
            // One folder per instance ("/srv/app/{index}"): each exists or not only once expanded, so it is checked
            // when the instance starts (a missing one is that start's failure); its placeholders are checked here.
            program.Spec = program.Spec with { WorkingDirectory = full };
            program.Templates.Add((context.Key, context.Line, workdir));
        }
        else if (Directory.Exists(full))
        {
            program.Spec = program.Spec with { WorkingDirectory = full };
        }
        else if (File.Exists(full))
        {
            Report(context, $"not a directory: {full}");
        }
        else
        {
            var tilde = workdir.StartsWith('~') ? " ('~' is not expanded)" : string.Empty;
            Report(context, $"directory does not exist: {full}{tilde}");
        }
    }

    private void ReadRestart(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        var names = string.Join(", ", RestartPolicies.Select(p => TomlSyntax.Quote(p.Name)));
        var match = value is StringValueSyntax { Value: { } text }
            ? RestartPolicies.FirstOrDefault(p => p.Name == text)
            : default;
        if (match.Name is null)
        {
            Report(context, $"expected one of {names}, got {TomlSyntax.Describe(value)}");
            return;
        }

        program.Spec = program.Spec with { Restart = match.Policy };
    }

    private bool TryReadMilliseconds(KeyContext context, ValueSyntax? value, out TimeSpan result) =>
        TryReadDuration(context, value, minimumMilliseconds: 0, out result);

    /// <summary>Reads an integer from <paramref name="minimum"/> to <see cref="int.MaxValue"/>.</summary>
    private bool TryReadInt(KeyContext context, ValueSyntax? value, int minimum, out int result)
    {
        result = 0;
        var expected = minimum == 0 ? "a non-negative integer" : "a positive integer";
        if (value is not IntegerValueSyntax integer || integer.Value < minimum)
        {
            Report(context, $"expected {expected}, got {TomlSyntax.Describe(value)}");
            return false;
        }

        if (integer.Value > int.MaxValue)
        {
            Report(context, $"expected {expected} no larger than {Format(int.MaxValue)}, got {TomlSyntax.Describe(value)}");
            return false;
        }

        result = (int)integer.Value;
        return true;
    }

    private void Report(KeyContext context, string detail) =>
        problems.AddKey(context.Line, context.Program, context.Key, detail);

    /// <summary>Where a value comes from, for its problems.</summary>
    private readonly record struct KeyContext(string Program, string Key, int? Line);
}
