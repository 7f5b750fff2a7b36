using System.Text.Json.Nodes;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>
/// JSON Schema fragments (draft 2020-12... as taplo reads draft-07) for the kinds of values keys take. Each is a
/// factory: a <see cref="JsonNode"/> belongs to one parent, so every use gets its own copy.
/// </summary>
internal static class KeySchemas
{
    /// <summary>The pattern of a duration string (<c>"500ms"</c>, <c>"1m30s"</c>).</summary>
    public const string DurationPattern = @"^\s*([0-9]+(\.[0-9]+)?\s*(ms|s|m|h|d)\s*)+$";

    /// <summary>The pattern of a size string (<c>"300M"</c>, <c>"1GiB"</c>, <c>"50MB"</c>).</summary>
    public const string SizePattern = @"^\s*[0-9]+(\.[0-9]+)?\s*([bBkKmMgGtT]|[kKmMgGtT][iI]?[bB])?\s*$";

    public static Func<JsonObject> String { get; } = () => new() { ["type"] = "string" };

    public static Func<JsonObject> Boolean { get; } = () => new() { ["type"] = "boolean" };

    public static Func<JsonObject> StringArray { get; } = () => new() { ["type"] = "array", ["items"] = String() };

    public static Func<JsonObject> Names { get; } = () => new()
    {
        ["type"] = "array",
        ["uniqueItems"] = true,
        ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$" },
    };

    public static Func<JsonObject> Duration { get; } = () => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = "milliseconds" },
            new JsonObject { ["type"] = "string", ["pattern"] = DurationPattern }),
    };

    public static Func<JsonObject> Size { get; } = () => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = "bytes" },
            new JsonObject { ["type"] = "string", ["pattern"] = SizePattern }),
    };

    public static Func<JsonObject> Signal { get; } = () => new()
    {
        ["type"] = "string",
        ["enum"] = new JsonArray([.. Signals.Names.SelectMany(n => new[] { n, "SIG" + n }).Select(n => (JsonNode?)n)]),
    };

    public static Func<JsonObject> Log { get; } = () => new()
    {
        ["anyOf"] = new JsonArray(Boolean(), new JsonObject { ["const"] = "inherit" }),
    };

    public static Func<JsonObject> Environment { get; } = () => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "integer", "boolean") },
    };

    public static Func<JsonObject> ExitCodes { get; } = () => new()
    {
        ["type"] = "array",
        ["minItems"] = 1,
        ["uniqueItems"] = true,
        ["items"] = Integer(0, 255)(),
    };

    public static Func<JsonObject> Percentage { get; } = () => new() { ["type"] = "string", ["pattern"] = "^[0-9]{1,6}%$" };

    public static Func<JsonObject> Umask { get; } = () => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["type"] = "string", ["pattern"] = "^[0-7]{1,4}$" },
            Integer(0, ProgramSpec.MaxUmask)()),
    };

    public static Func<JsonObject> DependsOn { get; } = () => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = OneOf([.. ProgramKeyValues.Conditions.Select(c => c.Name)])(),
            },
            StringArray()),
    };

    public static Func<JsonObject> Probe { get; } = () => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["minProperties"] = 1,
        ["properties"] = new JsonObject
        {
            ["exec"] = String(),
            ["http"] = new JsonObject { ["type"] = "string", ["pattern"] = "^https?://" },
            ["tcp"] = String(),
            ["period_ms"] = Duration(),
            ["timeout_ms"] = Duration(),
            ["failure_threshold"] = Integer(1, int.MaxValue)(),
            ["initial_delay_ms"] = Duration(),
        },
    };

    public static Func<JsonObject> Limits { get; } = () =>
    {
        var value = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["type"] = "integer", ["minimum"] = 0 },
                new JsonObject { ["type"] = "string" }),
        };
        var properties = new JsonObject();
        foreach (var (name, _) in ProgramKeyValues.LimitNames)
        {
            properties[name] = new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    value.DeepClone(),
                    new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = false,
                        ["required"] = new JsonArray("soft", "hard"),
                        ["properties"] = new JsonObject { ["soft"] = value.DeepClone(), ["hard"] = value.DeepClone() },
                    }),
            };
        }

        return new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
    };

    /// <summary>An integer from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Func<JsonObject> Integer(int minimum, int maximum) =>
        () => new() { ["type"] = "integer", ["minimum"] = minimum, ["maximum"] = maximum };

    /// <summary>One of the strings <paramref name="values"/>.</summary>
    public static Func<JsonObject> OneOf(params string[] values) =>
        () => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode?)v)]) };
}
