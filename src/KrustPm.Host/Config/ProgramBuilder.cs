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

    /// <summary>The line of the <c>command</c> key.</summary>
    public int? CommandLine { get; set; }

    /// <summary>The line of a valid <c>user</c> key.</summary>
    public int? UserLine { get; set; }

    /// <summary>The line of a valid <c>instances</c> key, or <see langword="null"/> when it is absent.</summary>
    public int? InstancesLine { get; set; }

    /// <summary>The line of a valid <c>port_base</c> key.</summary>
    public int? PortBaseLine { get; set; }

    /// <summary>The line of a valid <c>merge_stderr</c> key.</summary>
    public int? MergeStderrLine { get; set; }

    /// <summary>The line of a valid <c>stderr_log</c> key.</summary>
    public int? StderrLogLine { get; set; }

    /// <summary>The line of a valid <c>ready_log_line</c> key.</summary>
    public int? ReadyLogLineLine { get; set; }

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
