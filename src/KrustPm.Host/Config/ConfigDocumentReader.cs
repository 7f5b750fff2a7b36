using System.Collections.Immutable;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// Walks a parsed, syntax-error-free TOML document: the top-level keys (only <c>server-port</c>) and the tables
/// (one program each).
/// </summary>
internal static class ConfigDocumentReader
{
    /// <summary>The only key allowed outside a program table.</summary>
    public const string ServerPortKey = "server-port";

    /// <summary>Reads the document into a configuration, or reports its problems.</summary>
    /// <returns>The configuration, or <see langword="null"/> when any problem was found.</returns>
    public static KrustConfig? Read(DocumentSyntax document, string fullPath, ProblemList problems)
    {
        var directory = Path.GetDirectoryName(fullPath) ?? fullPath;
        var server = ServerAddress.Default;
        foreach (var item in document.KeyValues)
        {
            server = ReadTopLevelItem(item, problems) ?? server;
        }

        var reader = new ProgramTableReader(problems, directory);
        var programs = ImmutableArray.CreateBuilder<ProgramSpec>();
        var firstLines = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var table in document.Tables)
        {
            if (EnvironmentTableOf(table) is { } owner)
            {
                AddEnvironmentTable(owner, (TableSyntax)table, programs, firstLines, problems);
            }
            else if (ReadTable(table, reader, problems, firstLines) is { } program)
            {
                programs.Add(program);
            }
        }

        return problems.Count == 0 ? new KrustConfig(fullPath, server, programs.ToImmutable()) : null;
    }

    /// <returns>The server address when <paramref name="item"/> is a valid <c>server-port</c>.</returns>
    private static ServerAddress? ReadTopLevelItem(KeyValueSyntax item, ProblemList problems)
    {
        var parts = TomlSyntax.KeyParts(item.Key);
        var line = TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item);
        if (parts is [ServerPortKey])
        {
            return ReadServerPort(item.Value, line, problems);
        }

        if (parts.Count == 1 && item.Value is InlineTableSyntax)
        {
            problems.AddProgram(
                line, parts[0], $"inline tables are not supported for programs; write it as a table: [{parts[0]}]");
            return null;
        }

        var key = parts.Count == 1 ? parts[0] : TomlSyntax.KeyText(item.Key);
        var hint = KeySuggester.Hint(key, [ServerPortKey]);
        if (hint.Length == 0 && parts.Count > 1)
        {
            hint = $" (declare each program as a table, e.g. [{parts[0]}])";
        }
        else if (hint.Length == 0 && ProgramTableReader.KnownKeys.Contains(key))
        {
            hint = " (program settings belong inside a [program-name] table)";
        }

        problems.AddAboutKey(line, null, key, $"unknown top-level key '{key}'{hint}");
        return null;
    }

    private static ServerAddress? ReadServerPort(ValueSyntax? value, int? line, ProblemList problems)
    {
        const string Expected = "expected \"host:port\" (e.g. \"localhost:4000\") or an integer port";
        switch (value)
        {
            case StringValueSyntax { Value: { } text }:
                if (ServerAddress.TryParse(text, out var address, out var error))
                {
                    return address;
                }

                problems.AddKey(line, null, ServerPortKey, $"invalid address {TomlSyntax.Quote(text)}: {error}; {Expected}");
                return null;
            case IntegerValueSyntax integer when ServerAddress.IsValidPort(integer.Value):
                return new ServerAddress(ServerAddress.DefaultHost, (int)integer.Value);
            case IntegerValueSyntax integer:
                problems.AddKey(line, null, ServerPortKey, $"port {integer.Value} is not from 1 to 65535");
                return null;
            default:
                problems.AddKey(line, null, ServerPortKey, $"{Expected}, got {TomlSyntax.Describe(value)}");
                return null;
        }
    }

    /// <summary>The program an <c>[program.env]</c> table belongs to, or <see langword="null"/> for other tables.</summary>
    private static string? EnvironmentTableOf(TableSyntaxBase table) =>
        table is TableSyntax && TomlSyntax.KeyParts(table.Name) is [var program, "env"] ? program : null;

    /// <summary>Merges an <c>[program.env]</c> table into the program declared above it.</summary>
    private static void AddEnvironmentTable(
        string name,
        TableSyntax table,
        ImmutableArray<ProgramSpec>.Builder programs,
        Dictionary<string, int?> firstLines,
        ProblemList problems)
    {
        var index = programs.Select(p => p.Name).ToList().IndexOf(name);
        if (index < 0)
        {
            if (!firstLines.ContainsKey(name))
            {
                var line = TomlSyntax.LineOf(table.OpenBracket) ?? TomlSyntax.LineOf(table);
                problems.AddProgram(line, name, $"[{name}.env] must follow the program's own table [{name}]");
            }

            return; // The program itself had problems: they are reported already.
        }

        if (EnvironmentReader.Read(problems, name, table.Items, programs[index].Environment) is { } environment)
        {
            programs[index] = programs[index] with { Environment = environment };
        }
    }

    private static ProgramSpec? ReadTable(
        TableSyntaxBase table, ProgramTableReader reader, ProblemList problems, Dictionary<string, int?> firstLines)
    {
        var parts = TomlSyntax.KeyParts(table.Name);
        var line = TomlSyntax.LineOf(table.OpenBracket) ?? TomlSyntax.LineOf(table);
        var name = parts.Count > 0 ? parts[0] : string.Empty;
        var written = TomlSyntax.KeyText(table.Name);
        if (table is not TableSyntax plain)
        {
            problems.AddProgram(
                line, name, $"arrays of tables ([[{written}]]) are not supported; declare the program once as [{written}]");
            return null;
        }

        if (parts.Count > 1)
        {
            problems.AddProgram(
                line, name, $"nested table [{written}] is not supported; program settings are plain keys inside [{name}] (only [{name}.env] is a table)");
            return null;
        }

        if (ProgramNames.Validate(name) is { } nameError)
        {
            problems.AddProgram(line, name, $"invalid program name: {nameError}");
        }

        if (firstLines.TryGetValue(name, out var firstLine))
        {
            problems.AddProgram(line, name, $"program defined twice (first at line {firstLine})");
            return null;
        }

        firstLines[name] = line;
        return reader.Read(name, plain);
    }
}
