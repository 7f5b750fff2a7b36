using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>The values read so far from one program table, starting from the defaults.</summary>
internal sealed class ProgramBuilder(string name)
{
    /// <summary>The spec read so far; it starts with every default, so the defaults live only in <see cref="ProgramSpec"/>.</summary>
    public ProgramSpec Spec { get; set; } = new(name, string.Empty, []);

    public string Name => Spec.Name;

    /// <summary>Whether the table has a <c>command</c> key, valid or not.</summary>
    public bool HasCommand { get; set; }

    public ImmutableArray<string> Words { get; set; } = [];

    public ImmutableArray<string> Args { get; set; } = [];

    /// <summary>The line of the program's <c>[name]</c> header: where a problem of no particular key goes.</summary>
    public int? TableLine { get; init; }

    /// <summary>Where each key was first written (<c>instances</c>, <c>env.PORT</c>, <c>readiness.period_ms</c>).</summary>
    public Dictionary<string, int?> Lines { get; } = new(StringComparer.Ordinal);

    /// <summary>Where each item of a list key (<c>args</c>, <c>success_exit_codes</c>, <c>groups</c>) was written, in order.</summary>
    public Dictionary<string, List<int?>> ItemLines { get; } = new(StringComparer.Ordinal);

    /// <summary>The keys whose value could not be read (reported): the engine's problems with them would only repeat it.</summary>
    public HashSet<string> Unread { get; } = new(StringComparer.Ordinal);

    /// <summary>The line of the <c>command</c> key.</summary>
    public int? CommandLine => Lines.GetValueOrDefault("command");

    /// <summary>The line of the <c>user</c> key.</summary>
    public int? UserLine => Lines.GetValueOrDefault("user");

    /// <summary>Records the line of the next item of list key <paramref name="key"/>.</summary>
    public void ItemLine(string key, int? line)
    {
        if (!ItemLines.TryGetValue(key, out var lines))
        {
            lines = [];
            ItemLines[key] = lines;
        }

        lines.Add(line);
    }

    /// <summary>
    /// Where a problem with <paramref name="key"/> (and its item) was written: the item's line, the key's, the line of
    /// the table it belongs to (<c>readiness</c> for <c>readiness.period_ms</c>), else the program's header.
    /// </summary>
    public int? LineOf(string key, int? item)
    {
        if (item is { } index && ItemLines.TryGetValue(key, out var items) && index < items.Count)
        {
            return items[index];
        }

        if (Lines.TryGetValue(key, out var line))
        {
            return line;
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Lines.TryGetValue(key[..dot], out var outer) ? outer : TableLine;
    }

    /// <summary>
    /// The keys that are tables (<c>depends_on</c>, <c>readiness</c>, <c>liveness</c>, <c>rlimits</c>), gathered from every form
    /// they may take (inline table, dotted keys, <c>[name.key]</c> table) and read once the whole program is known.
    /// </summary>
    public Dictionary<string, TableKey> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>The table key <paramref name="key"/>, created at <paramref name="line"/> (its first mention) if new.</summary>
    public TableKey Table(string key, int? line)
    {
        if (!Tables.TryGetValue(key, out var table))
        {
            table = new TableKey(line);
            Tables[key] = table;
        }

        return table;
    }

    public ProgramSpec Build() => Spec with { Argv = Words.AddRange(Args) };
}

/// <summary>A key whose value is a table, however it was written: its entries, and where it was first written.</summary>
/// <param name="Line">The line of the key, of its first dotted form, or of its <c>[name.key]</c> header.</param>
internal sealed record TableKey(int? Line)
{
    public List<TableEntry> Entries { get; } = [];

    /// <summary>The value when it was not a table (<c>depends_on = ["db"]</c>, or a mistake).</summary>
    public Tomlyn.Syntax.ValueSyntax? Value { get; set; }

    /// <summary>Whether <see cref="Value"/> was given (the key had a plain value, not a table).</summary>
    public bool HasValue { get; set; }
}

/// <summary>One <c>key = value</c> inside a table key.</summary>
internal readonly record struct TableEntry(string Key, int? Line, Tomlyn.Syntax.ValueSyntax? Value);
