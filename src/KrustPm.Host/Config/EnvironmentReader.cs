using System.Collections.Immutable;
using System.Globalization;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// Reads a program's environment variables, written <c>env = { KEY = "value" }</c>, <c>env.KEY = "value"</c> or as
/// an <c>[program.env]</c> table. Values may be strings, integers or booleans (given to the program as written);
/// <c>$VAR</c> in strings expands against krust-pm's environment (<see cref="EnvironmentExpander"/>).
/// </summary>
internal static class EnvironmentReader
{
    /// <summary>Adds the variables of <paramref name="items"/> (keys are the variable names) to <paramref name="environment"/>.</summary>
    /// <returns>The new environment, or <see langword="null"/> when a variable has a problem (reported).</returns>
    public static ImmutableSortedDictionary<string, string>? Read(
        ProblemList problems,
        string program,
        IEnumerable<KeyValueSyntax> items,
        ImmutableSortedDictionary<string, string> environment)
    {
        var ok = true;
        foreach (var item in items)
        {
            var parts = TomlSyntax.KeyParts(item.Key);
            var name = parts.Count == 1 ? parts[0] : TomlSyntax.KeyText(item.Key);
            var line = TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item);
            if (Read(problems, program, name, line, item.Value, environment) is { } added)
            {
                environment = added;
            }
            else
            {
                ok = false;
            }
        }

        return ok ? environment : null;
    }

    /// <summary>Adds one variable.</summary>
    /// <returns>The new environment, or <see langword="null"/> when the variable has a problem (reported).</returns>
    public static ImmutableSortedDictionary<string, string>? Read(
        ProblemList problems,
        string program,
        string name,
        int? line,
        ValueSyntax? value,
        ImmutableSortedDictionary<string, string> environment)
    {
        // A dotted key (env.A.B) is a TOML table, not a variable name; the rest is the engine's rule.
        if ((name.Contains('.', StringComparison.Ordinal) ? "a variable name must not contain '.'" : ProgramRules.VariableNameProblem(name)) is { } invalid)
        {
            problems.AddKey(line, program, "env", $"invalid variable name {TomlSyntax.Quote(name)}: {invalid}");
            return null;
        }

        if (Text(value) is not { } text)
        {
            problems.AddKey(line, program, "env", $"variable {name}: expected a string, integer or boolean, got {TomlSyntax.Describe(value)}");
            return null;
        }

        if (ProgramRules.OsStringProblem(text) is { } nul)
        {
            problems.AddKey(line, program, "env", $"variable {name}: the value {nul}");
            return null;
        }

        // Only strings expand: an integer or boolean has no '$' to expand.
        if (value is StringValueSyntax && EnvironmentExpander.TryExpand(text, null, out text) is { } undefined)
        {
            problems.AddKey(line, program, "env", $"variable {name}: {undefined}");
            return null;
        }

        return environment.SetItem(name, text);
    }

    private static string? Text(ValueSyntax? value) => value switch
    {
        StringValueSyntax { Value: { } text } => text,
        IntegerValueSyntax integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        BooleanValueSyntax boolean => boolean.Value ? "true" : "false",
        _ => null,
    };
}
