using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// The tables that hold one key of a program: <c>[web.depends_on]</c>, <c>[web.readiness]</c>,
/// <c>[web.liveness]</c> (<c>[web.env]</c> has its own, older rule: it must follow <c>[web]</c>).
/// </summary>
internal static class ProgramKeyTables
{
    /// <summary>The program a <c>[program.depends_on]</c>, <c>[program.readiness]</c> or <c>[program.liveness]</c> table belongs to.</summary>
    public static string? Of(TableSyntaxBase table) =>
        table is TableSyntax && TomlSyntax.KeyParts(table.Name) is [var program, var key] && ProgramKeys.TableNames.Contains(key)
            ? program
            : null;

    /// <summary>
    /// The <c>[program.depends_on]</c>, <c>[program.readiness]</c> and <c>[program.liveness]</c> tables, by program:
    /// read with the program's own table, wherever they are in the file (TOML allows either order).
    /// </summary>
    public static Dictionary<string, List<TableSyntax>> ByProgram(DocumentSyntax document)
    {
        var byProgram = new Dictionary<string, List<TableSyntax>>(StringComparer.Ordinal);
        foreach (var table in document.Tables)
        {
            if (Of(table) is { } program)
            {
                if (!byProgram.TryGetValue(program, out var tables))
                {
                    tables = [];
                    byProgram[program] = tables;
                }

                tables.Add((TableSyntax)table);
            }
        }

        return byProgram;
    }

    /// <summary>Reports the key tables of programs that have no table of their own.</summary>
    public static void ReportOrphans(
        Dictionary<string, List<TableSyntax>> keyTables, Dictionary<string, int?> firstLines, ProblemList problems)
    {
        foreach (var (program, tables) in keyTables)
        {
            if (firstLines.ContainsKey(program))
            {
                continue;
            }

            foreach (var table in tables)
            {
                var line = TomlSyntax.LineOf(table.OpenBracket) ?? TomlSyntax.LineOf(table);
                problems.AddProgram(line, program, $"[{TomlSyntax.KeyText(table.Name)}] has no program table [{program}]");
            }
        }
    }
}
