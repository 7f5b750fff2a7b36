using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KrustPm.Host.Import;

/// <summary>
/// <c>krust-pm import pm2 FILE</c>: reads a PM2 ecosystem file (JSON or YAML: <c>{"apps": [...]}</c>, a list of
/// apps, or one app) and translates each app into a krust-pm program (mapping in docs/migrating.md).
/// </summary>
internal static partial class Pm2Import
{
    public static ImportResult Translate(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Pm2Document.Read(full);
        var notes = new List<string>();
        JsonArray apps;
        switch (root)
        {
            case JsonObject { } file when file["apps"] is { } list:
                apps = list as JsonArray ?? [list.DeepClone()];
                foreach (var (key, value) in file.Where(p => p.Key != "apps"))
                {
                    notes.Add($"not translated: {key} = {Text(value)} ({(key == "deploy" ? "krust-pm does not deploy code" : "no krust-pm equivalent")})");
                }

                break;
            case JsonObject { } single when single.ContainsKey("script"):
                apps = [single.DeepClone()];
                break;
            case JsonArray list:
                apps = list;
                break;
            default:
                throw new ImportException(full, null, "expected an ecosystem: {\"apps\": [{\"name\": ..., \"script\": ...}]}, a list of apps, or one app");
        }

        var names = new ProgramNames();
        var programs = new List<ImportedProgram>();
        for (var index = 0; index < apps.Count; index++)
        {
            if (apps[index] is not JsonObject app)
            {
                throw new ImportException(full, null, $"apps[{index}] is not an object with a script");
            }

            programs.Add(App(full, index, app, names));
        }

        return new ImportResult(full, programs, notes);
    }

    /// <summary>A value as the comment shows it: JSON without indentation.</summary>
    internal static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>A scalar as text (PM2 takes numbers and booleans where text is meant, and the other way round).</summary>
    private static string? Scalar(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    private static ImportException Bad(string file, string app, string key, JsonNode? value, string expected) =>
        new(file, null, $"app '{app}': {key} = {Text(value)}: expected {expected}");

    private static long Number(string file, string app, string key, JsonNode? value) =>
        long.TryParse(Scalar(value), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Bad(file, app, key, value, "a whole number");

    private static bool Boolean(string file, string app, string key, JsonNode? value) => Scalar(value) switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(file, app, key, value, "true or false"),
    };

    /// <summary>PM2's durations: a number of ms, or a string such as <c>"500ms"</c>, <c>"10s"</c>, <c>"2m"</c>, <c>"1h"</c>.</summary>
    private static long Milliseconds(string file, string app, string key, JsonNode? value)
    {
        var text = Scalar(value)?.Trim() ?? string.Empty;
        var (digits, factor) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1L),
            _ when text.EndsWith('s') => (text[..^1], 1000L),
            _ when text.EndsWith('m') => (text[..^1], 60_000L),
            _ when text.EndsWith('h') => (text[..^1], 3_600_000L),
            _ => (text, 1L),
        };
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number * factor
            : throw Bad(file, app, key, value, "a number of milliseconds, or a duration such as \"10s\"");
    }

    /// <summary>Arguments given as one string (kept as written: krust-pm splits it like a shell) or a list (each quoted).</summary>
    private static IEnumerable<string> Words(JsonNode? value) => value switch
    {
        null => [],
        JsonArray list => list.Select(item => ShellQuote(Scalar(item) ?? Text(item))),
        _ => [Scalar(value) ?? Text(value)],
    };

    /// <summary>One argument as krust-pm's command splitter reads it back: single-quoted when it needs quoting.</summary>
    private static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
