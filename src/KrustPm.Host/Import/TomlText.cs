using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KrustPm.Host.Import;

/// <summary>Writes imported programs as a commented krust-pm.toml, and the TOML and template escapes it needs.</summary>
internal static partial class TomlText
{
    /// <summary>A TOML basic string.</summary>
    public static string String(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Array(IEnumerable<string> tomlValues) => $"[{string.Join(", ", tomlValues)}]";

    /// <summary>A key as TOML writes it: bare when it can be, else quoted.</summary>
    public static string Key(string key) => BareKey().IsMatch(key) ? key : String(key);

    /// <summary>
    /// Literal text for an <c>env</c> value (expanded whole: <c>$VAR</c> and placeholders): <c>$</c> becomes
    /// <c>$$</c> and braces are doubled, so the program gets it as written. A <c>command</c> goes through
    /// <see cref="CommandEscaper"/>, which knows its quotes.
    /// </summary>
    public static string LiteralForValue(string text) => LiteralForPath(text).Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>Literal text for a field that expands placeholders only (<c>workdir</c>, <c>stdout_log</c>, <c>stderr_log</c>).</summary>
    public static string LiteralForPath(string text) =>
        text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>The whole file: a header, then each program with its notes, keys, environment and untranslated settings.</summary>
    public static string Write(string header, IEnumerable<string> fileNotes, IEnumerable<ImportedProgram> programs)
    {
        var text = new StringBuilder();
        foreach (var line in header.Split('\n'))
        {
            text.Append("# ").AppendLine(line);
        }

        foreach (var note in fileNotes)
        {
            text.Append("# ").AppendLine(note);
        }

        foreach (var program in programs)
        {
            text.AppendLine();
            text.Append("# from ").AppendLine(program.Origin);
            foreach (var note in program.Notes)
            {
                text.Append("# ").AppendLine(note);
            }

            text.Append('[').Append(Key(program.Name)).AppendLine("]");
            foreach (var (key, toml, comment) in program.Keys)
            {
                var line = $"{key} = {toml}";
                text.AppendLine(comment is null ? line : $"{line}  # {comment}");
            }

            if (program.Groups.Count > 0)
            {
                text.Append("groups = ").AppendLine(Array(program.Groups.Select(String)));
            }

            foreach (var untranslated in program.NotTranslated)
            {
                text.Append("# not translated: ").AppendLine(untranslated);
            }

            if (program.Env.Count > 0)
            {
                text.Append('[').Append(Key(program.Name)).AppendLine(".env]");
                foreach (var (name, toml) in program.Env)
                {
                    text.Append(Key(name)).Append(" = ").AppendLine(toml);
                }
            }
        }

        return text.ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex BareKey();
}
