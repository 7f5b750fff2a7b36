using System.Collections.Immutable;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// The keys of what runs: <c>command</c>, <c>args</c>, <c>workdir</c>, <c>env</c>, <c>user</c>, <c>stop_signal</c>,
/// <c>restart</c>, <c>image</c>. Each reads its kind of value; the rules between values are the engine's.
/// </summary>
internal sealed partial class ProgramTableReader
{
    internal void ReadCommand(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        program.HasCommand = true;
        if (value is not StringValueSyntax { Value: { } command })
        {
            Report(context, $"expected a string, got {TomlSyntax.Describe(value)}");
        }
        else if (string.IsNullOrWhiteSpace(command))
        {
            Report(context, "must not be empty");
        }
        else if (!CommandSplitter.TrySplit(command, Environment.GetEnvironmentVariable, out var words, out var error))
        {
            Report(context, error);
        }
        else
        {
            program.Spec = program.Spec with { Command = command };
            program.Words = words;
        }
    }

    internal void ReadArgs(ProgramBuilder program, KeyContext context, ValueSyntax? value)
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
            program.ItemLine(context.Key, at.Line);
            if (item.Value is not StringValueSyntax { Value: { } text })
            {
                Report(at, $"item {Format(index)}: expected a string, got {TomlSyntax.Describe(item.Value)}");
            }
            else if (EnvironmentExpander.TryExpand(text, null, out var expanded) is { } undefined)
            {
                Report(at, $"item {Format(index)}: {undefined}");
            }
            else
            {
                args.Add(expanded);
            }
        }

        program.Args = args.ToImmutable();
    }

    internal void ReadStopSignal(ProgramBuilder program, KeyContext context, ValueSyntax? value)
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

    internal void ReadWorkdir(ProgramBuilder program, KeyContext context, ValueSyntax? value)
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

    internal void ReadRestart(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        var names = string.Join(", ", ProgramKeyValues.RestartPolicies.Select(p => TomlSyntax.Quote(p.Name)));
        var match = value is StringValueSyntax { Value: { } text }
            ? ProgramKeyValues.RestartPolicies.FirstOrDefault(p => p.Name == text)
            : default;
        if (match.Name is null)
        {
            Report(context, $"expected one of {names}, got {TomlSyntax.Describe(value)}");
            return;
        }

        program.Spec = program.Spec with { Restart = match.Policy };
    }

    /// <summary>Reads <c>env = { KEY = "value" }</c>.</summary>
    internal void ReadEnvironment(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not InlineTableSyntax inline)
        {
            Report(context, $"expected a table of variables such as {{ KEY = \"value\" }}, got {TomlSyntax.Describe(value)}");
            return;
        }

        foreach (var item in inline.Items.Select(i => i.KeyValue).OfType<KeyValueSyntax>())
        {
            var parts = TomlSyntax.KeyParts(item.Key);
            ReadVariable(program, parts.Count == 1 ? parts[0] : TomlSyntax.KeyText(item.Key), TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item), item.Value);
        }
    }

    /// <summary>Reads one variable of <c>env</c> (<c>env.KEY = "value"</c>, or an item of the table).</summary>
    private void ReadVariable(ProgramBuilder program, string variable, int? line, ValueSyntax? value)
    {
        program.Lines.TryAdd($"env.{variable}", line);
        if (EnvironmentReader.Read(problems, program.Name, variable, line, value, program.Spec.Environment) is { } withVariable)
        {
            program.Spec = program.Spec with { Environment = withVariable };
        }
    }

    /// <summary>Reads <c>user</c>: a string; whether it names a usable user is the engine's rule, whether it exists a warning.</summary>
    internal void ReadUser(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is StringValueSyntax { Value: { } user })
        {
            program.Spec = program.Spec with { User = user };
        }
        else
        {
            Report(context, $"expected a user name, got {TomlSyntax.Describe(value)}");
        }
    }

    /// <summary>
    /// Reads a string key whose rules the engine checks (<c>cron_restart</c>, <c>schedule</c>, <c>timezone</c>:
    /// <see cref="ProgramSpec.Validate"/>): here only that it is a string.
    /// </summary>
    internal bool TryReadString(KeyContext context, ValueSyntax? value, string example, out string text)
    {
        if (value is StringValueSyntax { Value: { } given })
        {
            text = given;
            return true;
        }

        Report(context, $"expected a string such as {example}, got {TomlSyntax.Describe(value)}");
        text = string.Empty;
        return false;
    }

    /// <summary>Reads <c>image</c>, which only the Kubernetes export uses.</summary>
    internal void ReadImage(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is StringValueSyntax { Value: { Length: > 0 } image } && !image.Any(char.IsWhiteSpace) && !image.Contains('\0', StringComparison.Ordinal))
        {
            program.Spec = program.Spec with { Image = image };
        }
        else
        {
            Report(context, $"expected a container image reference such as \"python:3.12-slim\", got {TomlSyntax.Describe(value)}");
        }
    }
}
