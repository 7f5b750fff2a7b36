using System.Globalization;
using System.Text;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>Helpers to read Tomlyn syntax nodes: key names, lines, and value descriptions for messages.</summary>
internal static class TomlSyntax
{
    private const int MaxShownStringLength = 60;

    /// <summary>The 1-based line a node starts on, or <see langword="null"/> when the node is missing.</summary>
    public static int? LineOf(SyntaxNode? node) => node is null ? null : node.Span.Start.Line + 1;

    /// <summary>The decoded parts of a (possibly dotted) key: <c>a."b c".d</c> gives <c>a</c>, <c>b c</c>, <c>d</c>.</summary>
    public static List<string> KeyParts(KeySyntax? key)
    {
        var parts = new List<string>();
        if (key is null)
        {
            return parts;
        }

        parts.Add(KeyPart(key.Key));
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(KeyPart(dotted.Key));
        }

        return parts;
    }

    /// <summary>A key as written in the file without surrounding blanks, e.g. <c>a.b</c> or <c>"we ird"</c>.</summary>
    public static string KeyText(KeySyntax? key) => key?.ToString()?.Trim() ?? string.Empty;

    /// <summary>Describes a value for an error message: <c>string "three"</c>, <c>integer -1</c>, <c>an array</c>...</summary>
    public static string Describe(ValueSyntax? value) => value switch
    {
        StringValueSyntax s => "string " + Quote(s.Value ?? string.Empty),
        IntegerValueSyntax i => "integer " + i.Value.ToString(CultureInfo.InvariantCulture),
        FloatValueSyntax f => "float " + (f.Token?.Text ?? f.Value.ToString(CultureInfo.InvariantCulture)),
        BooleanValueSyntax b => b.Value ? "boolean true" : "boolean false",
        DateTimeValueSyntax d => "date-time " + (d.Token?.Text ?? string.Empty),
        ArraySyntax => "an array",
        InlineTableSyntax => "an inline table",
        null => "no value",
        _ => "an unsupported value",
    };

    /// <summary>Quotes a string for a message, escaping quotes, backslashes and control characters.</summary>
    public static string Quote(string value)
    {
        var shown = value.Length > MaxShownStringLength ? value[..MaxShownStringLength] : value;
        var text = new StringBuilder("\"");
        foreach (var c in shown)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when char.IsControl(c) => text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        text.Append('"');
        return shown.Length < value.Length ? text.Append("...").ToString() : text.ToString();
    }

    private static string KeyPart(BareKeyOrStringValueSyntax? part) => part switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? string.Empty,
        StringValueSyntax quoted => quoted.Value ?? string.Empty,
        _ => string.Empty,
    };
}
