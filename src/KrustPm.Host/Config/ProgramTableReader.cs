using System.Globalization;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>Reads one <c>[program]</c> table into a <see cref="ProgramSpec"/>, reporting every problem it finds.</summary>
/// <param name="problems">Where problems go.</param>
/// <param name="configDirectory">The config file's folder: the default working directory and the base of relative ones.</param>
internal sealed partial class ProgramTableReader(ProblemList problems, string configDirectory)
{
    /// <summary>Reads the table of program <paramref name="name"/>.</summary>
    /// <param name="name">The program's name.</param>
    /// <param name="table">Its <c>[name]</c> table.</param>
    /// <param name="keyTables">Its <c>[name.depends_on]</c>, <c>[name.readiness]</c> and <c>[name.liveness]</c> tables.</param>
    /// <returns>The program, or <see langword="null"/> when the table has problems.</returns>
    public ProgramSpec? Read(string name, TableSyntax table, IReadOnlyList<TableSyntax> keyTables)
    {
        var problemsBefore = problems.Count;
        var program = new ProgramBuilder(name) { TableLine = TomlSyntax.LineOf(table.OpenBracket) ?? TomlSyntax.LineOf(table) };
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
            problems.AddAboutKey(program.TableLine, name, "command", "missing required key 'command'");
        }

        var spec = program.Build();
        PlaceEngineProblems(program, spec);
        if (problems.Count != problemsBefore)
        {
            return null;
        }

        WarnOfStartProblems(program, spec);
        foreach (var limit in spec.Process.CgroupLimits)
        {
            Limited.Add(new LimitedProgram(spec.Name, limit.Key, program.LineOf(limit.Key, null), problems));
        }

        return spec;
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void ReadItem(ProgramBuilder program, KeyValueSyntax item)
    {
        var parts = TomlSyntax.KeyParts(item.Key);
        var key = parts.Count == 1 ? parts[0] : TomlSyntax.KeyText(item.Key);
        var line = TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item);
        var value = item.Value;
        if (parts.Count > 1 && ProgramKeys.TableNames.Contains(parts[0]))
        {
            program.Table(parts[0], line).Entries.Add(new TableEntry(string.Join('.', parts.Skip(1)), line, value));
            return;
        }

        if (parts is ["env", var variable])
        {
            ReadVariable(program, variable, line, value);
            return;
        }

        switch (ProgramKeys.Find(key))
        {
            case { IsTable: true }:
                AddTableKey(program, key, line, value);
                break;
            case { Read: { } read }:
                program.Lines.TryAdd(key, line);
                read(this, program, new KeyContext(program.Name, key, line), value);
                break;
            default:
                problems.AddAboutKey(line, program.Name, key, $"unknown key '{key}'{KeySuggester.Hint(key, ProgramKeys.Names)}");
                break;
        }
    }

    /// <summary>
    /// Places the engine's problems with the spec (<see cref="ProgramSpec.Validate"/>) on the lines of their keys: the
    /// rules live in the engine, the reader only knows where each value was written.
    /// </summary>
    private void PlaceEngineProblems(ProgramBuilder program, ProgramSpec spec)
    {
        foreach (var problem in spec.Validate())
        {
            if (problem.Key == "name" || problem is { Key: "command", Item: null } || program.Unread.Contains(problem.Key))
            {
                continue; // the table's name is checked with the file's tables; a missing or unreadable command is reported
            }

            var (key, item) = problem is { Key: "command", Item: { } word } && word >= program.Words.Length
                ? ("args", word - program.Words.Length)
                : (problem.Key, problem.Item);
            var line = program.LineOf(key, item);
            var shownItem = key == "command" || item is null ? null : $"item {Format(item.Value + 1)}: ";
            problems.AddKey(line, spec.Name, key, shownItem + problem.Message);
        }
    }

    internal void Report(KeyContext context, string detail) =>
        problems.AddKey(context.Line, context.Program, context.Key, detail);

}
