using System.Collections.Immutable;
using KrustPm.Engine.Health;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// The keys of dependencies and health: <c>depends_on</c>, <c>restart_with</c>, <c>readiness</c>, <c>liveness</c>
/// and <c>ready_log_line</c>.
/// </summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>
    /// Every program read so far, valid or not, with the dependencies it names (those that could be read) and the
    /// line of its <c>depends_on</c>: the graph is checked once every program is known.
    /// </summary>
    public List<DeclaredDependencies> Declared { get; } = [];

    /// <summary>The programs read with such a limit, each key with its line.</summary>
    public List<LimitedProgram> Limited { get; } = [];

    /// <summary>Collects <c>depends_on = ...</c>, <c>readiness = { ... }</c> or <c>liveness = { ... }</c>.</summary>
    private static void AddTableKey(ProgramBuilder program, string key, int? line, ValueSyntax? value)
    {
        var table = program.Table(key, line);
        if (value is InlineTableSyntax inline)
        {
            foreach (var item in inline.Items.Select(i => i.KeyValue).OfType<KeyValueSyntax>())
            {
                table.Entries.Add(Entry(item));
            }
        }
        else
        {
            table.Value = value;
            table.HasValue = true;
        }
    }

    /// <summary>Collects a <c>[name.depends_on]</c>, <c>[name.readiness]</c> or <c>[name.liveness]</c> table.</summary>
    private static void AddKeyTable(ProgramBuilder program, TableSyntax keyTable)
    {
        var key = TomlSyntax.KeyParts(keyTable.Name)[1];
        var table = program.Table(key, TomlSyntax.LineOf(keyTable.OpenBracket) ?? TomlSyntax.LineOf(keyTable));
        foreach (var item in keyTable.Items)
        {
            table.Entries.Add(Entry(item));
        }
    }

    private static TableEntry Entry(KeyValueSyntax item) =>
        new(string.Join('.', TomlSyntax.KeyParts(item.Key)), TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item), item.Value);

    /// <summary>Reads the table keys gathered from the whole program, and records its dependencies.</summary>
    private void ReadTableKeys(ProgramBuilder program)
    {
        foreach (var (key, table) in program.Tables)
        {
            program.Lines.TryAdd(key, table.Line);
        }

        var dependsOnLine = default(int?);
        if (program.Tables.TryGetValue("depends_on", out var dependsOn))
        {
            dependsOnLine = dependsOn.Line;
            program.Spec = program.Spec with { DependsOn = ReadDependsOn(program.Name, dependsOn) };
        }

        if (program.Tables.TryGetValue("readiness", out var readiness))
        {
            program.Spec = program.Spec with { Readiness = ReadProbe(program, "readiness", readiness) };
        }

        if (program.Tables.TryGetValue("liveness", out var liveness))
        {
            program.Spec = program.Spec with { Liveness = ReadProbe(program, "liveness", liveness) };
        }

        if (program.Tables.TryGetValue("rlimits", out var limits))
        {
            ReadLimits(program, limits);
        }

        Declared.Add(new DeclaredDependencies(program.Name, program.Spec.DependsOn, dependsOnLine, problems));
    }

    /// <summary>
    /// Reads <c>depends_on</c>: a table of program names and conditions, or an array of names (each
    /// <c>started</c>). Whether the names exist, and cycles, are checked once every program is read.
    /// </summary>
    private ImmutableSortedDictionary<string, DependencyCondition> ReadDependsOn(string name, TableKey table)
    {
        var context = new KeyContext(name, "depends_on", table.Line);
        var dependencies = ImmutableSortedDictionary.CreateBuilder<string, DependencyCondition>(StringComparer.Ordinal);
        if (table.HasValue && table.Value is ArraySyntax array)
        {
            var index = 0;
            foreach (var item in array.Items)
            {
                index++;
                var at = context with { Line = TomlSyntax.LineOf(item.Value) ?? context.Line };
                if (item.Value is not StringValueSyntax { Value: { Length: > 0 } dependency })
                {
                    Report(at, $"item {Format(index)}: expected a program name, got {TomlSyntax.Describe(item.Value)}");
                }
                else if (!dependencies.TryAdd(dependency, DependencyCondition.Started))
                {
                    Report(at, $"item {Format(index)}: '{dependency}' is listed twice");
                }
            }
        }
        else if (table.HasValue)
        {
            Report(
                context,
                $"expected a table of programs and conditions such as {{ db = \"healthy\" }}, or an array of program names, got {TomlSyntax.Describe(table.Value)}");
        }

        var names = string.Join(", ", ProgramKeyValues.Conditions.Select(c => TomlSyntax.Quote(c.Name)));
        foreach (var entry in table.Entries)
        {
            var match = entry.Value is StringValueSyntax { Value: { } text }
                ? ProgramKeyValues.Conditions.FirstOrDefault(c => c.Name == text)
                : default;
            if (match.Name is null)
            {
                Report(
                    context with { Line = entry.Line },
                    $"dependency '{entry.Key}': expected one of {names}, got {TomlSyntax.Describe(entry.Value)}");
            }
            else
            {
                dependencies[entry.Key] = match.Condition;
            }
        }

        return dependencies.ToImmutable();
    }

    /// <summary>Reads <c>ready_log_line</c>: a string; whether it is a usable regular expression is the engine's rule.</summary>
    internal void ReadReadyLogLine(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is StringValueSyntax { Value: { } pattern })
        {
            program.Spec = program.Spec with { ReadyLogLine = pattern };
        }
        else
        {
            Report(context, $"expected a regular expression string, got {TomlSyntax.Describe(value)}");
        }
    }
}

/// <summary>A program with a limit its cgroup enforces (<c>memory_max</c>...), for the check against the top-level <c>cgroup</c>.</summary>
/// <param name="Program">The program.</param>
/// <param name="Key">The limit's key.</param>
/// <param name="Line">Its line.</param>
/// <param name="Problems">The problems of the file it is written in.</param>
internal sealed record LimitedProgram(string Program, string Key, int? Line, ProblemList Problems);

/// <summary>A program's dependencies as read, for the check of the whole graph.</summary>
/// <param name="Program">The program.</param>
/// <param name="DependsOn">The dependencies that could be read.</param>
/// <param name="Line">The line of its <c>depends_on</c> key (or <c>[name.depends_on]</c> header).</param>
/// <param name="Problems">The problems of the file it is written in (the main file or an included one).</param>
internal sealed record DeclaredDependencies(
    string Program, ImmutableSortedDictionary<string, DependencyCondition> DependsOn, int? Line, ProblemList Problems);
