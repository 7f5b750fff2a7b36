using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KrustPm.Host.Export;

/// <summary>
/// Writes a JSON tree (objects, arrays, strings, numbers, booleans) as block-style YAML, every string a JSON-quoted
/// scalar (a valid YAML double-quoted scalar), so no quoting rule of YAML's can change a value ("no", "1.0", "~")
/// and no YAML library or reflection is needed (Native AOT).
/// </summary>
internal static class YamlWriter
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Appends <paramref name="document"/> at the top level of a YAML document.</summary>
    public static void Write(StringBuilder text, JsonObject document) => Mapping(text, document, 0);

    /// <summary>A string as a JSON-quoted YAML scalar.</summary>
    public static string Quote(string value) => $"\"{JsonEncodedText.Encode(value, Encoder)}\"";

    private static void Mapping(StringBuilder text, JsonObject map, int depth, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!(first && firstInline))
            {
                text.Append(' ', depth * 2);
            }

            first = false;
            text.Append(Key(key)).Append(':');
            Value(text, value, depth + 1);
        }
    }

    private static void Value(StringBuilder text, JsonNode? value, int depth)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                text.AppendLine(" {}");
                break;
            case JsonObject map:
                text.AppendLine();
                Mapping(text, map, depth);
                break;
            case JsonArray { Count: 0 }:
                text.AppendLine(" []");
                break;
            case JsonArray items:
                text.AppendLine();
                foreach (var item in items)
                {
                    text.Append(' ', depth * 2).Append("- ");
                    if (item is JsonObject { Count: > 0 } element)
                    {
                        Mapping(text, element, depth + 1, firstInline: true);
                    }
                    else
                    {
                        text.Append(Scalar(item).TrimStart()).AppendLine();
                    }
                }

                break;
            default:
                text.Append(' ').AppendLine(Scalar(value));
                break;
        }
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => Quote(scalar.GetValue<string>()),
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.Number => scalar.ToJsonString(),
        JsonValue scalar when scalar.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
            scalar.GetValueKind() == JsonValueKind.True ? "true" : "false",
        _ => throw new ArgumentException($"No YAML scalar for {value.GetValueKind()}.", nameof(value)),
    };

    /// <summary>Plain keys stay plain (<c>apiVersion</c>); any other (a label such as <c>app.kubernetes.io/name</c>) is quoted.</summary>
    private static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') && char.IsAsciiLetter(key[0])
            ? key
            : Quote(key);
}
