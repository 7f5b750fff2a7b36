using System.Collections.Immutable;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>The <c>readiness</c> and <c>liveness</c> probe tables.</summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>The keys of a probe table.</summary>
    public static readonly ImmutableArray<string> ProbeKeys =
        ["exec", "http", "tcp", "period_ms", "timeout_ms", "failure_threshold", "initial_delay_ms"];

    /// <summary>Reads a <c>readiness</c> or <c>liveness</c> table: exactly one target, and its timings.</summary>
    private ProbeSpec? ReadProbe(ProgramBuilder program, string key, TableKey table)
    {
        var name = program.Name;
        var context = new KeyContext(name, key, table.Line);
        if (table.HasValue)
        {
            Report(context, $"expected a table such as {{ http = \"http://127.0.0.1:8080/health\" }}, got {TomlSyntax.Describe(table.Value)}");
            return null;
        }

        var problemsBefore = problems.Count;
        var probe = new ProbeSpec();
        foreach (var entry in table.Entries)
        {
            var at = new KeyContext(name, $"{key}.{entry.Key}", entry.Line);
            program.Lines.TryAdd(at.Key, at.Line);

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
                    probe = TryReadDuration(at, entry.Value, out var period) ? probe with { Period = period } : probe;
                    break;
                case "timeout_ms":
                    probe = TryReadDuration(at, entry.Value, out var timeout) ? probe with { Timeout = timeout } : probe;
                    break;
                case "failure_threshold":
                    probe = TryReadInt(at, entry.Value, out var threshold, "a positive integer") ? probe with { FailureThreshold = threshold } : probe;
                    break;
                case "initial_delay_ms":
                    probe = TryReadDuration(at, entry.Value, out var delay) ? probe with { InitialDelay = delay } : probe;
                    break;
                default:
                    var suggestion = KeySuggester.Suggest(entry.Key, ProbeKeys) is { } known ? $" (did you mean '{key}.{known}'?)" : string.Empty;
                    problems.AddAboutKey(at.Line, name, at.Key, $"unknown key '{at.Key}'{suggestion}");
                    break;
            }
        }

        // Exactly one target and the timings' ranges are the engine's rules; when a target could not be read (reported),
        // the engine's "exactly one target" would only repeat it.
        if (problems.Count != problemsBefore)
        {
            program.Unread.Add(key);
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

    /// <summary>
    /// Reads an http probe's URL. With placeholders (<c>http://127.0.0.1:{port}/health</c>) the URL is checked as
    /// instance 0 would have it; a wrong placeholder is the engine's rule to report.
    /// </summary>
    private string? ReadHttp(KeyContext context, ValueSyntax? value)
    {
        if (value is StringValueSyntax { Value: { } text })
        {
            if (Placeholders.HasAny(text) && Placeholders.Check(text, hasPortBase: true) is [_, ..])
            {
                return text;
            }

            var sample = Placeholders.HasAny(text) ? Placeholders.Expand(text, new PlaceholderValues("program", 0, 0, 1)) : text;
            if (Uri.TryCreate(sample, UriKind.Absolute, out var url)
                && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
                && url.Host.Length > 0)
            {
                return text;
            }
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

        // "127.0.0.1:{port}": each instance's own port; the address is checked as instance 0 of a program would have it.
        var sample = Placeholders.HasAny(text) ? Placeholders.Expand(text, new PlaceholderValues("program", 0, 0, 1)) : text;
        if (Placeholders.HasAny(text) && Placeholders.Check(text, hasPortBase: true) is [_, ..])
        {
            return text; // a wrong placeholder is the engine's rule to report; the address cannot be checked before
        }

        if (!ServerAddress.TryParse(sample, out _, out var error))
        {
            Report(context, $"invalid address {TomlSyntax.Quote(text)}: {error}; {Expected}");
            return null;
        }

        return text;
    }
}
