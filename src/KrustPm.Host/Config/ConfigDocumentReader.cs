using System.Collections.Immutable;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// Walks a parsed, syntax-error-free TOML document: the top-level keys (<see cref="TopLevelKeys"/>) and the tables
/// (one program each).
/// </summary>
internal static partial class ConfigDocumentReader
{
    /// <summary>Where the API listens.</summary>
    public const string ServerPortKey = "server-port";

    /// <summary>Whether the file is reloaded when it changes.</summary>
    public const string WatchConfigKey = "watch_config";

    /// <summary>How often every running instance's CPU and memory are sampled.</summary>
    public const string SampleIntervalKey = "sample_interval_ms";

    /// <summary>The other files whose programs belong to this configuration.</summary>
    public const string IncludeKey = "include";

    /// <summary>The shortest <c>auth_token</c> (or <c>KRUST_PM_TOKEN</c>) accepted: a shorter one can be guessed.</summary>
    public const int MinTokenLength = 16;

    /// <summary>The journal's keys (read in <c>ConfigDocumentReader.Journal.cs</c>); declared before <see cref="TopLevelKeys"/>, which holds them.</summary>
    private static readonly ImmutableArray<string> JournalKeys = ["journal", "journal_dir", "journal_max_bytes", "journal_max_segments", "journal_fsync"];

    /// <summary>The keys allowed outside a program table.</summary>
    public static readonly ImmutableArray<string> TopLevelKeys = [ServerPortKey, IncludeKey, "log_dir", "log_format", "attach", "auth_token", "read_only", WatchConfigKey, "max_streams", SampleIntervalKey, "metrics_public", "exit_when", "subreaper", "cgroup", .. JournalKeys];

    /// <summary>The values of <c>exit_when</c>, as written in the file.</summary>
    public static readonly ImmutableArray<(string Name, ExitWhen Rule)> ExitRules =
        [("never", ExitWhen.Never), ("any-failed", ExitWhen.AnyFailed), ("all-done", ExitWhen.AllDone)];

    /// <summary>
    /// Reads the document (the main file, or one it includes) into a configuration, then the files it includes, and
    /// reports the problems of each in its own file's list. The dependencies between programs are checked by the
    /// caller once every file is read (<see cref="ConfigAssembly.Declared"/>).
    /// </summary>
    /// <returns>The settings (of the main file) and the programs of this file and those it includes, in order.</returns>
    public static KrustConfig Read(DocumentSyntax document, string fullPath, ProblemList problems, ConfigAssembly assembly)
    {
        var directory = Path.GetDirectoryName(fullPath) ?? fullPath;
        var isMain = problems == assembly.Main;
        var settings = new KrustConfig(fullPath, ServerAddress.Default, []);
        var includes = new List<(string Pattern, int? Line)>();
        foreach (var item in document.KeyValues)
        {
            if (TomlSyntax.KeyParts(item.Key) is [IncludeKey])
            {
                ReadInclude(item, problems, includes);
            }
            else if (isMain || TomlSyntax.KeyParts(item.Key) is not [{ } key] || !TopLevelKeys.Contains(key))
            {
                settings = ReadTopLevelItem(item, directory, problems, settings);
            }
            else
            {
                problems.AddAboutKey(
                    TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item),
                    null,
                    key,
                    $"top-level key '{key}' belongs in the main configuration file ({assembly.Main.File}); an included file holds programs (and include)");
            }
        }

        var reader = new ProgramTableReader(problems, directory);
        var programs = ImmutableArray.CreateBuilder<ProgramSpec>();
        var firstLines = new Dictionary<string, int?>(StringComparer.Ordinal);
        var keyTables = ProgramKeyTables.ByProgram(document);
        foreach (var table in document.Tables)
        {
            if (EnvironmentTableOf(table) is { } owner)
            {
                AddEnvironmentTable(owner, (TableSyntax)table, programs, firstLines, problems);
            }
            else if (ProgramKeyTables.Of(table) is null && ReadTable(table, reader, problems, firstLines, keyTables) is { } program)
            {
                programs.Add(program);
            }
        }

        ProgramKeyTables.ReportOrphans(keyTables, firstLines, problems);
        ReportDefinedElsewhere(firstLines, problems, assembly);
        assembly.Declared.AddRange(reader.Declared);
        assembly.Limited.AddRange(reader.Limited);
        foreach (var (pattern, line) in includes)
        {
            programs.AddRange(ConfigIncludes.Read(pattern, line, directory, problems, assembly));
        }

        return settings with { Programs = programs.ToImmutable() };
    }

    /// <summary>Reports each program of this file that another file read before defines too, naming both places.</summary>
    private static void ReportDefinedElsewhere(Dictionary<string, int?> firstLines, ProblemList problems, ConfigAssembly assembly)
    {
        foreach (var (name, line) in firstLines)
        {
            if (assembly.Programs.TryGetValue(name, out var first) && first.File != problems.File)
            {
                var at = first.Line is { } firstLine ? $"{first.File}:{firstLine.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : first.File;
                problems.AddProgram(line, name, $"program defined twice: first in {at}");
            }
            else
            {
                assembly.Programs.TryAdd(name, (problems.File, line));
            }
        }
    }

    /// <summary>Reads <c>include</c>: a string or an array of strings, each a file path or a glob.</summary>
    private static void ReadInclude(KeyValueSyntax item, ProblemList problems, List<(string Pattern, int? Line)> includes)
    {
        var line = TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item);
        IEnumerable<ValueSyntax?> values = item.Value is ArraySyntax array ? array.Items.Select(i => i.Value) : [item.Value];
        foreach (var value in values)
        {
            if (value is StringValueSyntax { Value: { Length: > 0 } pattern })
            {
                includes.Add((pattern, TomlSyntax.LineOf(value) ?? line));
            }
            else
            {
                problems.AddKey(TomlSyntax.LineOf(value) ?? line, null, IncludeKey, $"expected file paths or patterns such as [\"conf.d/*.toml\"], got {TomlSyntax.Describe(value)}");
            }
        }
    }

    /// <returns>The settings with <paramref name="item"/> applied when it is a valid top-level key.</returns>
    private static KrustConfig ReadTopLevelItem(KeyValueSyntax item, string directory, ProblemList problems, KrustConfig settings)
    {
        var parts = TomlSyntax.KeyParts(item.Key);
        var line = TomlSyntax.LineOf(item.Key) ?? TomlSyntax.LineOf(item);
        switch (parts)
        {
            case [ServerPortKey] when item.Value is StringValueSyntax { Value: { } unix } && unix.StartsWith("unix:", StringComparison.Ordinal):
                return unix.Length > 5
                    ? settings with { Server = ServerAddress.ForUnixSocket(Path.GetFullPath(unix[5..], directory)) }
                    : Fail(problems, line, ServerPortKey, "\"unix:\" needs a socket path, e.g. \"unix:/run/krust-pm.sock\"", settings);
            case [ServerPortKey]:
                return ReadServerPort(item.Value, line, problems) is { } server ? settings with { Server = server } : settings;
            case ["log_dir"]:
                return ReadLogDirectory(item.Value, line, directory, problems) is { } logs ? settings with { LogDirectory = logs } : settings;
            case ["log_format"] when item.Value is StringValueSyntax { Value: "text" or "json" } format:
                return settings with { LogFormat = format.Value == "json" ? LogFormat.Json : LogFormat.Text };
            case ["log_format"]:
                problems.AddKey(line, null, "log_format", $"expected \"text\" or \"json\", got {TomlSyntax.Describe(item.Value)}");
                return settings;
            case ["attach"] when item.Value is BooleanValueSyntax attach:
                return settings with { Attach = attach.Value };
            case ["attach"]:
                problems.AddKey(line, null, "attach", $"expected true or false, got {TomlSyntax.Describe(item.Value)}");
                return settings;
            case ["read_only"] when item.Value is BooleanValueSyntax readOnly:
                return settings with { ReadOnly = readOnly.Value };
            case ["read_only"]:
                problems.AddKey(line, null, "read_only", $"expected true or false, got {TomlSyntax.Describe(item.Value)}");
                return settings;
            case [WatchConfigKey] when item.Value is BooleanValueSyntax watch:
                return settings with { WatchConfig = watch.Value };
            case [WatchConfigKey]:
                problems.AddKey(line, null, WatchConfigKey, $"expected true or false, got {TomlSyntax.Describe(item.Value)}");
                return settings;
            case ["max_streams"] when item.Value is IntegerValueSyntax { Value: >= 1 and <= KrustConfig.MaxMaxStreams } streams:
                return settings with { MaxStreams = (int)streams.Value };
            case ["max_streams"]:
                problems.AddKey(line, null, "max_streams", $"expected a whole number from 1 to {KrustConfig.MaxMaxStreams}, got {TomlSyntax.Describe(item.Value)}");
                return settings;
            case ["metrics_public"] when item.Value is BooleanValueSyntax metricsPublic:
                return settings with { MetricsPublic = metricsPublic.Value };
            case ["metrics_public"]:
                return Fail(problems, line, "metrics_public", $"expected true or false, got {TomlSyntax.Describe(item.Value)}", settings);
            case [SampleIntervalKey]:
                return ReadSampleInterval(item.Value, line, problems) is { } interval ? settings with { SampleInterval = interval } : settings;
            case ["exit_when"] when item.Value is StringValueSyntax { Value: { } rule } && ExitRules.Any(r => r.Name == rule):
                return settings with { ExitWhen = ExitRules.First(r => r.Name == rule).Rule };
            case ["exit_when"]:
                return Fail(problems, line, "exit_when", $"expected \"never\", \"any-failed\" or \"all-done\", got {TomlSyntax.Describe(item.Value)}", settings);
            case ["subreaper"] when item.Value is BooleanValueSyntax subreaper:
                return settings with { Subreaper = subreaper.Value };
            case ["subreaper"]:
                return Fail(problems, line, "subreaper", $"expected true or false, got {TomlSyntax.Describe(item.Value)}", settings);
            case ["cgroup"] when item.Value is StringValueSyntax { Value: KrustConfig.CgroupOff or KrustConfig.CgroupAuto } mode:
                return settings with { Cgroup = mode.Value, CgroupWritten = true };
            case ["cgroup"] when item.Value is StringValueSyntax { Value: { } path } && Path.IsPathFullyQualified(path):
                return settings with { Cgroup = Path.TrimEndingDirectorySeparator(path), CgroupWritten = true };
            case ["cgroup"]:
                return Fail(problems, line, "cgroup", $"expected \"auto\", \"off\" or the absolute path of a cgroup v2 directory, got {TomlSyntax.Describe(item.Value)}", settings);
            case ["auth_token"]:
                return ReadToken(item.Value, line, problems) is { } token
                    ? settings with { AuthToken = token, AuthTokenVariable = TokenVariable(item.Value) }
                    : settings;
            case [{ } journalKey] when JournalKeys.Contains(journalKey):
                return settings with { Journal = ReadJournalKey(journalKey, item.Value, line, directory, problems, settings.Journal) };
        }

        if (parts.Count == 1 && item.Value is InlineTableSyntax)
        {
            problems.AddProgram(
                line, parts[0], $"inline tables are not supported for programs; write it as a table: [{parts[0]}]");
            return settings;
        }

        var key = parts.Count == 1 ? parts[0] : TomlSyntax.KeyText(item.Key);
        var hint = KeySuggester.Hint(key, TopLevelKeys);
        if (hint.Length == 0 && parts.Count > 1)
        {
            hint = $" (declare each program as a table, e.g. [{parts[0]}])";
        }
        else if (hint.Length == 0 && ProgramKeys.Names.Contains(key))
        {
            hint = " (program settings belong inside a [program-name] table)";
        }

        problems.AddAboutKey(line, null, key, $"unknown top-level key '{key}'{hint}");
        return settings;
    }

    /// <summary><c>sample_interval_ms</c>: 0 (off), or a duration of at least 100 ms.</summary>
    private static TimeSpan? ReadSampleInterval(ValueSyntax? value, int? line, ProblemList problems)
    {
        TimeSpan interval;
        string? problem = null;
        switch (value)
        {
            case IntegerValueSyntax { Value: >= 0 and <= int.MaxValue } number:
                interval = TimeSpan.FromMilliseconds(number.Value);
                break;
            case StringValueSyntax { Value: { } text }:
                problem = Units.TryParseDuration(text, out interval);
                break;
            default:
                interval = TimeSpan.Zero;
                problem = $"expected 0 (off) or {Units.DurationExamples}, got {TomlSyntax.Describe(value)}";
                break;
        }

        if (problem is null && interval != TimeSpan.Zero && interval < KrustConfig.MinSampleInterval)
        {
            problem = $"expected 0 (off) or at least {KrustConfig.MinSampleInterval.TotalMilliseconds} ms, got {interval.TotalMilliseconds} ms";
        }

        if (problem is not null)
        {
            problems.AddKey(line, null, SampleIntervalKey, problem);
            return null;
        }

        return interval;
    }

    private static KrustConfig Fail(ProblemList problems, int? line, string key, string detail, KrustConfig settings)
    {
        problems.AddKey(line, null, key, detail);
        return settings;
    }

    /// <summary>
    /// Reads <c>auth_token</c>: the token itself, or <c>env:VAR</c> to take it from an environment variable (which
    /// must then be set and not empty). Tokens shorter than <see cref="MinTokenLength"/> characters are refused: they can be guessed.
    /// </summary>
    private static string? ReadToken(ValueSyntax? value, int? line, ProblemList problems)
    {
        if (value is not StringValueSyntax { Value: { } text })
        {
            problems.AddKey(line, null, "auth_token", $"expected a string (the token, or \"env:VARIABLE\"), got {TomlSyntax.Describe(value)}");
            return null;
        }

        var token = text;
        if (text.StartsWith("env:", StringComparison.Ordinal))
        {
            token = Environment.GetEnvironmentVariable(text[4..]) ?? string.Empty;
            if (token.Length == 0)
            {
                problems.AddKey(line, null, "auth_token", $"the environment variable {text[4..]} is not set or empty");
                return null;
            }
        }

        if (token.Length < MinTokenLength)
        {
            problems.AddKey(line, null, "auth_token", $"a token must be at least {MinTokenLength} characters long");
            return null;
        }

        if (token.Trim().Length != token.Length)
        {
            problems.AddKey(line, null, "auth_token", "a token must not start or end with spaces (no client could send it)");
            return null;
        }

        return token;
    }

    /// <summary>The variable of <c>auth_token = "env:VARIABLE"</c>, or <see langword="null"/>.</summary>
    private static string? TokenVariable(ValueSyntax? value) =>
        value is StringValueSyntax { Value: { } text } && text.StartsWith("env:", StringComparison.Ordinal) ? text[4..] : null;

    /// <summary>
    /// Reads <c>log_dir</c> (relative to the config file's folder). It must be, or be creatable as, a writable
    /// directory: krust-pm checks it when it starts, so a config that cannot keep logs never starts programs.
    /// </summary>
    private static string? ReadLogDirectory(ValueSyntax? value, int? line, string directory, ProblemList problems)
    {
        if (value is not StringValueSyntax { Value: { Length: > 0 } text })
        {
            problems.AddKey(line, null, "log_dir", $"expected a directory path string, got {TomlSyntax.Describe(value)}");
            return null;
        }

        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(text, directory));
        }
        catch (ArgumentException)
        {
            problems.AddKey(line, null, "log_dir", $"invalid path {TomlSyntax.Quote(text)}");
            return null;
        }
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
        TableSyntaxBase table,
        ProgramTableReader reader,
        ProblemList problems,
        Dictionary<string, int?> firstLines,
        Dictionary<string, List<TableSyntax>> keyTables)
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
                line,
                name,
                $"nested table [{written}] is not supported; program settings are plain keys inside [{name}] (only [{name}.env], [{name}.depends_on], [{name}.readiness] and [{name}.liveness] are tables)");
            return null;
        }

        if (ProgramRules.NameProblem(name) is { } nameError)
        {
            problems.AddProgram(line, name, $"invalid program name: {nameError}");
        }

        if (firstLines.TryGetValue(name, out var firstLine))
        {
            problems.AddProgram(line, name, $"program defined twice (first at line {firstLine})");
            return null;
        }

        firstLines[name] = line;
        return reader.Read(name, plain, keyTables.TryGetValue(name, out var tables) ? tables : []);
    }
}
