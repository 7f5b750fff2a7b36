using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace KrustPm.Host.Cli;

/// <summary>
/// Parses whole-number options and arguments with a message a user reads (<c>'x' is not a whole number (-n takes
/// one, e.g. 3)</c>) instead of System.CommandLine's, which names the .NET type (<c>System.Int32</c>).
/// </summary>
internal static class WholeNumbers
{
    public static T Parse<T>(ArgumentResult result)
        where T : struct, IBinaryInteger<T> =>
        ParseNullable<T>(result) ?? default;

    public static T? ParseNullable<T>(ArgumentResult result)
        where T : struct, IBinaryInteger<T>
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        var name = result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
        result.AddError($"'{text}' is not a whole number ({name} takes one, e.g. 3).");
        return null;
    }
}
