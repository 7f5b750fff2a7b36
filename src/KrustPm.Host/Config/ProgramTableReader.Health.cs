using System.Collections.Immutable;
using System.Text.RegularExpressions;
using KrustPm.Engine.Health;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// The keys of dependencies and health: <c>depends_on</c>, <c>restart_with</c>, <c>readiness</c>, <c>liveness</c>
/// and <c>ready_log_line</c>.
/// </summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>The program keys whose value is a table, also written as <c>[name.key]</c> or with dotted keys.</summary>
    public static readonly ImmutableArray<string> TableKeys = ["depends_on", "readiness", "liveness"];

    /// <summary>The keys of a probe table.</summary>
    public static readonly ImmutableArray<string> ProbeKeys =
        ["exec", "http", "tcp", "period_ms", "timeout_ms", "failure_threshold", "initial_delay_ms"];

    /// <summary>The conditions of <c>depends_on</c>, as written in the file.</summary>
    public static readonly ImmutableArray<(string Name, DependencyCondition Condition)> Conditions =
    [
        ("started", DependencyCondition.Started), ("healthy", DependencyCondition.Healthy),
        ("healthy_all", DependencyCondition.HealthyAll), ("completed_successfully", DependencyCondition.CompletedSuccessfully),
        ("completed", DependencyCondition.Completed),
    ];

    private static readonly ImmutableArray<string> ProbeTargets = ["exec", "http", "tcp"];

    /// <summary>
    /// Every program read so far, valid or not, with the dependencies it names (those that could be read) and the
    /// line of its <c>depends_on</c>: the graph is checked once every program is known.
    /// </summary>
    public List<DeclaredDependencies> Declared { get; } = [];

    /// <summary>The config name of a condition (<c>healthy_all</c>).</summary>
    public static string NameOf(DependencyCondition condition) =>
        Conditions.First(c => c.Condition == condition).Name;

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
        var dependsOnLine = default(int?);
        if (program.Tables.TryGetValue("depends_on", out var dependsOn))
        {
            dependsOnLine = dependsOn.Line;
            program.Spec = program.Spec with { DependsOn = ReadDependsOn(program.Name, dependsOn) };
        }

        if (program.Tables.TryGetValue("readiness", out var readiness))
        {
            program.Spec = program.Spec with { Readiness = ReadProbe(program.Name, "readiness", readiness) };
        }

        if (program.Tables.TryGetValue("liveness", out var liveness))
        {
            program.Spec = program.Spec with { Liveness = ReadProbe(program.Name, "liveness", liveness) };
        }

        Declared.Add(new DeclaredDependencies(program.Name, program.Spec.DependsOn, dependsOnLine));
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

        var names = string.Join(", ", Conditions.Select(c => TomlSyntax.Quote(c.Name)));
        foreach (var entry in table.Entries)
        {
            var match = entry.Value is StringValueSyntax { Value: { } text }
                ? Conditions.FirstOrDefault(c => c.Name == text)
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

    /// <summary>Reads a <c>readiness</c> or <c>liveness</c> table: exactly one target, and its timings.</summary>
    private ProbeSpec? ReadProbe(string name, string key, TableKey table)
    {
        var context = new KeyContext(name, key, table.Line);
        if (table.HasValue)
        {
            Report(context, $"expected a table such as {{ http = \"http://127.0.0.1:8080/health\" }}, got {TomlSyntax.Describe(table.Value)}");
            return null;
        }

        var probe = new ProbeSpec();
        var targets = new List<string>();
        foreach (var entry in table.Entries)
        {
            var at = new KeyContext(name, $"{key}.{entry.Key}", entry.Line);
            if (ProbeTargets.Contains(entry.Key))
            {
                targets.Add(entry.Key);
            }

            switch (entry.Key)
            {
                case "exec":
                    probe = ReadExec(at, entry.Value) is { IsDefault: false } argv ? probe with { Exec = argv } : probe;
                    break;
                case "http":
                    probe = ReadHttp(at, entry.Value) is { } url ? probe with { Http = url } : probe;
                    break;
                case "tcp":
                    probe = ReadTcp(at, entry.Value) is { } address ? probe with { Tcp = address } : probe;
                    break;
                case "period_ms":
                    probe = TryReadInt(at, entry.Value, minimum: 1, out var period) ? probe with { Period = TimeSpan.FromMilliseconds(period) } : probe;
                    break;
                case "timeout_ms":
                    probe = TryReadInt(at, entry.Value, minimum: 1, out var timeout) ? probe with { Timeout = TimeSpan.FromMilliseconds(timeout) } : probe;
                    break;
                case "failure_threshold":
                    probe = TryReadInt(at, entry.Value, minimum: 1, out var threshold) ? probe with { FailureThreshold = threshold } : probe;
                    break;
                case "initial_delay_ms":
                    probe = TryReadInt(at, entry.Value, minimum: 0, out var delay) ? probe with { InitialDelay = TimeSpan.FromMilliseconds(delay) } : probe;
                    break;
                default:
                    var suggestion = KeySuggester.Suggest(entry.Key, ProbeKeys) is { } known ? $" (did you mean '{key}.{known}'?)" : string.Empty;
                    problems.AddAboutKey(at.Line, name, at.Key, $"unknown key '{at.Key}'{suggestion}");
                    break;
            }
        }

        if (targets.Count != 1)
        {
            var got = targets.Count == 0 ? "none" : string.Join(" and ", targets);
            Report(context, $"expected exactly one of exec, http or tcp, got {got}");
            return null;
        }

        return probe;
    }

    private ImmutableArray<string> ReadExec(KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: { } command })
        {
            Report(context, $"expected a command line string, got {TomlSyntax.Describe(value)}");
        }
        else if (string.IsNullOrWhiteSpace(command))
        {
            Report(context, "must not be empty");
        }
        else if (!CommandSplitter.TrySplit(command, out var words, out var error))
        {
            Report(context, error);
        }
        else if (words[0].Length == 0)
        {
            Report(context, "the program to run (the first word) is empty");
        }
        else
        {
            return words;
        }

        return default;
    }

    private Uri? ReadHttp(KeyContext context, ValueSyntax? value)
    {
        if (value is StringValueSyntax { Value: { } text }
            && Uri.TryCreate(text, UriKind.Absolute, out var url)
            && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            && url.Host.Length > 0)
        {
            return url;
        }

        Report(context, $"expected an absolute http:// or https:// URL such as \"http://127.0.0.1:8080/health\", got {TomlSyntax.Describe(value)}");
        return null;
    }

    private string? ReadTcp(KeyContext context, ValueSyntax? value)
    {
        const string Expected = "expected \"host:port\" such as \"127.0.0.1:5432\"";
        if (value is not StringValueSyntax { Value: { } text })
        {
            Report(context, $"{Expected}, got {TomlSyntax.Describe(value)}");
            return null;
        }

        if (!ServerAddress.TryParse(text, out _, out var error))
        {
            Report(context, $"invalid address {TomlSyntax.Quote(text)}: {error}; {Expected}");
            return null;
        }

        return text;
    }

    /// <summary>Reads <c>ready_log_line</c>: a .NET regular expression, checked here so a typo cannot start anything.</summary>
    private void ReadReadyLogLine(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: { } pattern })
        {
            Report(context, $"expected a regular expression string, got {TomlSyntax.Describe(value)}");
            return;
        }

        if (pattern.Length == 0)
        {
            Report(context, "must not be empty (it would match every line)");
            return;
        }

        try
        {
            // Interpreted, never RegexOptions.Compiled: Native AOT cannot compile at run time.
            _ = new Regex(pattern, RegexOptions.None);
        }
        catch (ArgumentException error)
        {
            Report(context, $"invalid regular expression {TomlSyntax.Quote(pattern)}: {error.Message}");
            return;
        }

        program.Spec = program.Spec with { ReadyLogLine = pattern };
    }
}

/// <summary>A program's dependencies as read, for the check of the whole graph.</summary>
/// <param name="Program">The program.</param>
/// <param name="DependsOn">The dependencies that could be read.</param>
/// <param name="Line">The line of its <c>depends_on</c> key (or <c>[name.depends_on]</c> header).</param>
internal sealed record DeclaredDependencies(string Program, ImmutableSortedDictionary<string, DependencyCondition> DependsOn, int? Line);
