using System.Text;

namespace KrustPm.Host.Import;

/// <summary>
/// Turns another tool's program name into a krust-pm one (1 to 64 of ASCII letters, digits, <c>_</c>, <c>-</c>,
/// <c>.</c>, not starting with <c>-</c> or <c>.</c>), unique in the file.
/// </summary>
internal sealed class ProgramNames
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <summary>The krust-pm name for <paramref name="wanted"/>; <paramref name="changed"/> says when it differs.</summary>
    public string Take(string wanted, out bool changed)
    {
        var name = new StringBuilder();
        foreach (var c in wanted)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '-');
        }

        var text = name.ToString().TrimStart('-', '.');
        if (text.Length == 0)
        {
            text = "program";
        }

        text = text.Length > 60 ? text[..60] : text;
        var unique = text;
        for (var n = 2; !_taken.Add(unique); n++)
        {
            unique = $"{text}-{n}";
        }

        changed = unique != wanted;
        return unique;
    }
}
