using System.CommandLine;
using System.Text.RegularExpressions;

namespace KrustPm.Host.Cli;

/// <summary>
/// The root help's list of commands shows optional arguments in brackets (<c>status [NAME]</c>), as each command's
/// own usage line does (<c>status [&lt;NAME&gt;]</c>): System.CommandLine's listing writes every argument as
/// <c>&lt;NAME&gt;</c>, required or not, and offers no public way to change one row. <c>[NAME]</c> has the width of
/// <c>&lt;NAME&gt;</c>, so the columns stay aligned.
/// </summary>
internal static class HelpLabels
{
    public static string MarkOptionalArguments(RootCommand root, string help)
    {
        foreach (var command in root.Subcommands)
        {
            foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0 && !a.Hidden))
            {
                var name = argument.HelpName ?? argument.Name;
                help = Regex.Replace(
                    help,
                    $"^(  {Regex.Escape(command.Name)} (?:\\S+ )*)<{Regex.Escape(name)}>",
                    $"$1[{name.Replace("$", "$$", StringComparison.Ordinal)}]",
                    RegexOptions.Multiline);
            }
        }

        return help;
    }
}
