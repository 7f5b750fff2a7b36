using System.Globalization;
using System.Text;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>One thing wrong with a configuration file.</summary>
/// <param name="File">The configuration file's path.</param>
/// <param name="Line">The 1-based line the problem is on, when known.</param>
/// <param name="Program">The program (table) the problem is in, if any.</param>
/// <param name="Key">The key the problem is about, if any (also for a missing or unknown key).</param>
/// <param name="Message">
/// The description as rendered after the program, naming the key itself when there is one, e.g.
/// <c>key 'max_retries': expected a non-negative integer, got string "three"</c>,
/// <c>missing required key 'command'</c> or <c>syntax error: ...</c>.
/// </param>
public sealed record ConfigProblem(string File, int? Line, string? Program, string? Key, string Message)
{
    /// <summary>
    /// Whether this is a warning: something that would fail if krust-pm started now but may change before it does.
    /// Rendered with <c>warning: </c> before the message.
    /// </summary>
    public bool IsWarning { get; init; }

    /// <summary>
    /// Renders the problem on one line: <c>FILE:LINE: program 'NAME': [warning: ]MESSAGE</c>; the line and the program part
    /// are left out when unknown. Control characters (in a name or a key written in quotes) are escaped, so a
    /// problem is always one line and cannot drive the terminal.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder(File);
        if (Line is { } line)
        {
            text.Append(':').Append(line.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(": ");
        if (Program is not null)
        {
            text.Append("program ").Append(ProgramRules.Quote(Program)).Append(": ");
        }

        if (IsWarning)
        {
            text.Append("warning: ");
        }

        return AppendEscaped(text, Message).ToString();
    }

    private static StringBuilder AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when char.IsControl(c) => text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text;
    }
}
