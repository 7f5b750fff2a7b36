using System.Globalization;
using System.Text;

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
    /// Renders the problem on one line: <c>FILE:LINE: program 'NAME': MESSAGE</c>; the line and the program part
    /// are left out when unknown.
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
            text.Append("program '").Append(Program).Append("': ");
        }

        return text.Append(Message).ToString();
    }
}
