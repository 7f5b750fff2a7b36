using System.Text;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// The plan of a reload as <c>krust-pm reload</c> prints it: a summary line, then one line per program
/// (<c>+ web  added</c>, <c>~ api  restarted (command, env)</c>...) with what it means for its instances, then the
/// top-level keys that changed.
/// </summary>
internal static class ReloadText
{
    /// <param name="plan">The answer of <c>POST /api/v1/reload</c>.</param>
    public static string Describe(JsonElement plan)
    {
        var text = new StringBuilder();
        var dryRun = plan.GetProperty("dryRun").GetBoolean();
        text.Append(plan.GetProperty("file").GetString())
            .Append(dryRun ? ": dry run, nothing was changed: " : ": reloaded: ")
            .AppendLine(plan.GetProperty("summary").GetString());

        var programs = plan.GetProperty("programs").EnumerateArray().ToList();
        var width = programs.Select(p => p.GetProperty("name").GetString()!.Length).DefaultIfEmpty(0).Max();
        foreach (var program in programs)
        {
            var action = program.GetProperty("action").GetString()!;
            var changed = program.GetProperty("changed").EnumerateArray().Select(k => k.GetString()).ToList();
            text.Append(Mark(action)).Append(' ')
                .Append(program.GetProperty("name").GetString()!.PadRight(width)).Append("  ")
                .Append(action.Replace('-', ' '))
                .AppendLine(changed.Count == 0 ? string.Empty : $" ({string.Join(", ", changed)})");
            foreach (var detail in program.GetProperty("details").EnumerateArray())
            {
                text.Append("    ").AppendLine(detail.GetString());
            }
        }

        foreach (var key in plan.GetProperty("topLevel").EnumerateArray())
        {
            var applied = key.GetProperty("action").GetString() == "applied";
            text.Append(applied ? "* " : "! ").Append(key.GetProperty("key").GetString())
                .AppendLine(applied ? "  applied" : "  changed in the file; needs a restart of krust-pm (the running value is kept)");
        }

        return text.ToString();
    }

    /// <summary>The mark of an action: <c>+</c> added, <c>-</c> removed, <c>~</c> restarted, <c>*</c> changed in place, <c>=</c> unchanged.</summary>
    private static char Mark(string action) => action switch
    {
        "added" => '+',
        "removed" => '-',
        "restarted" => '~',
        "changed-in-place" => '*',
        _ => '=',
    };
}
