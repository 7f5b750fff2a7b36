using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Net.Http.Headers;

namespace KrustPm.Host.Api;

/// <summary>
/// Reads a command's JSON body strictly: declared <c>application/json</c> (else 415: a page of another site can post
/// a form or text without asking the browser first, never JSON), every field of its JSON type (no <c>"2"</c> for 2),
/// no unknown or repeated field. Each refusal names the field and what it should be. The body is read whole even if
/// the client has already left: a command read completely is applied (Kestrel bounds its size and its pace).
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, string example)
        where T : class
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, CancellationToken.None);
        if (buffer.Length == 0)
        {
            return (null, Problems.BadBody($"Expected a JSON object such as {example}; the body is empty."));
        }

        if (!IsJson(request.ContentType))
        {
            var given = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type: {request.ContentType}";
            return (null, Problems.UnsupportedMediaType($"The body must be JSON, sent with Content-Type: application/json; got {given}."));
        }

        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        try
        {
            var body = JsonSerializer.Deserialize(json.Span, type);
            return body is null
                ? (null, Problems.BadBody($"Expected a JSON object such as {example}; got null."))
                : (body, null);
        }
        catch (JsonException error)
        {
            return (null, Explain(json, type, example, error));
        }
    }

    /// <summary><c>application/json</c>, with or without parameters (<c>; charset=utf-8</c>), in any case.</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Finds what the serializer refused, to name it: the syntax, the shape, or the first bad field.</summary>
    private static IResult Explain<T>(ReadOnlyMemory<byte> json, JsonTypeInfo<T> type, string example, JsonException error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException syntax)
        {
            var where = syntax.LineNumber is { } line ? $" (line {line + 1}, byte {syntax.BytePositionInLine + 1})" : string.Empty;
            return Problems.BadBody($"Expected a JSON object such as {example}; it is not valid JSON{where}.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problems.BadBody($"Expected a JSON object such as {example}; got {Describe(document.RootElement)}.");
            }

            var fields = type.Properties.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (!fields.TryGetValue(member.Name, out var field))
                {
                    return Problems.BadBodyField(
                        member.Name,
                        $"Unknown field '{member.Name}'; the body takes only {string.Join(", ", fields.Keys)}, e.g. {example}.");
                }

                if (!seen.Add(member.Name))
                {
                    return Problems.BadBodyField(field.Name, $"The field '{field.Name}' is given twice.");
                }

                if (Expected(field.PropertyType, member.Value) is { } expected)
                {
                    return Problems.BadBodyField(field.Name, $"'{field.Name}' must be {expected}; got {Describe(member.Value)}.");
                }
            }
        }

        return Problems.BadBody($"Expected a JSON object such as {example}; {error.Message}");
    }

    /// <summary>What a field of <paramref name="type"/> must be, when <paramref name="value"/> is not that; else null.</summary>
    private static string? Expected(Type type, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null && (Nullable.GetUnderlyingType(type) is not null || !type.IsValueType))
        {
            return null;
        }

        var core = Nullable.GetUnderlyingType(type) ?? type;
        if (core == typeof(int))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _) ? null : $"a whole number from {int.MinValue} to {int.MaxValue}";
        }

        if (core == typeof(long))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : $"a whole number from {long.MinValue} to {long.MaxValue}";
        }

        return core == typeof(string) && value.ValueKind != JsonValueKind.String ? "a string" : null;
    }

    /// <summary>A JSON value as an error message shows it (long ones cut).</summary>
    private static string Describe(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => $"a string ({value.GetRawText()})",
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };
        return text.Length > 60 ? text[..60] + "..." : text;
    }
}
