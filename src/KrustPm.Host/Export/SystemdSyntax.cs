using System.Globalization;
using System.Text;

namespace KrustPm.Host.Export;

/// <summary>
/// Quoting for systemd unit files (systemd.service(5) "Command lines", systemd.exec(5) <c>Environment=</c>,
/// systemd.unit(5) "Specifiers"): words are split on white space unless double-quoted, a backslash escapes, <c>%</c>
/// starts a specifier (<c>%%</c> is a percent sign), and in command lines <c>$NAME</c> is replaced (<c>$$</c> is a
/// dollar sign).
/// </summary>
internal static class SystemdSyntax
{
    /// <summary>A command line: each argument quoted only where it has to be.</summary>
    public static string CommandLine(IEnumerable<string> argv) => string.Join(' ', argv.Select(Argument));

    /// <summary>One command line argument.</summary>
    public static string Argument(string word)
    {
        var escaped = Escape(word, dollars: true);
        var plain = word.Length > 0 && escaped == word && !word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or ';');
        return plain ? word : $"\"{escaped}\"";
    }

    /// <summary>An <c>Environment=</c> assignment, always quoted (a value may hold spaces or quotes).</summary>
    public static string Assignment(string name, string value) => $"\"{Escape($"{name}={value}", dollars: false)}\"";

    /// <summary>A plain setting value: specifiers escaped (a path or a user name with <c>%</c> in it).</summary>
    public static string Value(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    private static string Escape(string text, bool dollars)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => result.Append(@"\\"),
                '"' => result.Append("\\\""),
                '%' => result.Append("%%"),
                '$' when dollars => result.Append("$$"),
                '\n' => result.Append(@"\n"),
                '\t' => result.Append(@"\t"),
                _ when char.IsControl(c) => result.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => result.Append(c),
            };
        }

        return result.ToString();
    }
}
