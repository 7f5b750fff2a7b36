using System.Globalization;
using System.Text;

namespace KrustPm.Engine;

/// <summary>
/// <c>$VAR</c>, <c>${VAR}</c> and <c>${VAR:-default}</c> references, with <c>$$</c> for a literal <c>$</c>, as
/// <see cref="CommandSplitter"/> expands them. A <c>$</c> followed by anything else (<c>$1</c>, <c>$(</c>, a space)
/// stays as written, so <c>awk '{print $1}'</c> keeps working. An undefined variable without a default is an error,
/// never a silent empty string.
/// </summary>
internal static class ShellVariables
{
    private const int MaxShownLength = 60;

    /// <summary>Expands the reference starting with the <c>$</c> at <paramref name="dollar"/>, appending its value.</summary>
    /// <param name="text">The text.</param>
    /// <param name="dollar">The index of a <c>$</c> in <paramref name="text"/>.</param>
    /// <param name="lookup">The environment.</param>
    /// <param name="result">Where the value goes (a lone <c>$</c> goes as itself).</param>
    /// <param name="problem">What is wrong (undefined variable, bad <c>${...}</c>), or <see langword="null"/>.</param>
    /// <returns>The index after the reference.</returns>
    public static int ExpandAt(string text, int dollar, Func<string, string?> lookup, StringBuilder result, out string? problem)
    {
        problem = null;
        var next = dollar + 1 < text.Length ? text[dollar + 1] : '\0';
        if (next == '$')
        {
            result.Append('$');
            return dollar + 2;
        }

        if (next == '{')
        {
            var close = text.IndexOf('}', dollar + 2);
            if (close < 0)
            {
                problem = $"unclosed '${{' in {Quote(text)}; write $$ for a literal '$'";
                return text.Length;
            }

            var inner = text[(dollar + 2)..close];
            var separator = inner.IndexOf(":-", StringComparison.Ordinal);
            var name = separator < 0 ? inner : inner[..separator];
            if (!IsName(name))
            {
                problem = $"invalid variable name {Quote(name)} in '${{{inner}}}' (expected ${{NAME}} or ${{NAME:-default}}); write $$ for a literal '$'";
                return text.Length;
            }

            // As in a shell, the default also replaces an empty value.
            var value = lookup(name);
            if (string.IsNullOrEmpty(value) && separator >= 0)
            {
                value = inner[(separator + 2)..];
            }

            if (value is null)
            {
                problem = Undefined(name);
                return text.Length;
            }

            result.Append(value);
            return close + 1;
        }

        if (char.IsAsciiLetter(next) || next == '_')
        {
            var end = dollar + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            var name = text[(dollar + 1)..end];
            if (lookup(name) is not { } value)
            {
                problem = Undefined(name);
                return text.Length;
            }

            result.Append(value);
            return end;
        }

        result.Append('$');
        return dollar + 1;
    }

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Undefined(string name) =>
        $"environment variable {name} is not defined (krust-pm's environment has no {name}); give a default with ${{{name}:-default}}, or write $$ for a literal '$'";

    /// <summary>Quotes text for a message, escaping quotes, backslashes and control characters.</summary>
    private static string Quote(string value)
    {
        var shown = value.Length > MaxShownLength ? value[..MaxShownLength] : value;
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
}
