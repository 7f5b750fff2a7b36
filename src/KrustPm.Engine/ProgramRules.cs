using System.Globalization;
using System.Text;

namespace KrustPm.Engine;

/// <summary>
/// What a <see cref="ProgramSpec"/> must respect whatever it came from (a file, code, a test): the name is used in
/// log file names and URL paths, and the command, user, working directory and environment are handed to the
/// operating system as C strings. <see cref="ProgramSpec.Validate"/> applies them to a whole spec; a configuration
/// reader calls the same methods for names it reads outside a spec (group names in commands, program tables).
/// </summary>
public static class ProgramRules
{
    /// <summary>The longest program name: its log files (<c>NAME.ID.stdout.log.N</c>) must fit in a file name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// Checks a program name: 1 to <see cref="MaxNameLength"/> ASCII letters, digits, <c>_</c>, <c>-</c> and
    /// <c>.</c>, starting with a letter, a digit or <c>_</c> (a leading <c>-</c> would read as an option on a
    /// command line, a leading <c>.</c> would make hidden log files, and <c>.</c> or <c>..</c> are not names in a
    /// path).
    /// </summary>
    /// <param name="name">The name to check.</param>
    /// <returns><see langword="null"/> when the name is valid; otherwise what is wrong, as a phrase.</returns>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength)
        {
            return $"a name needs 1 to {MaxNameLength} characters; this one has {name.Length.ToString(CultureInfo.InvariantCulture)}";
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            return "use only ASCII letters, digits, '_', '-' and '.' (the name is used in file names and URL paths)";
        }

        return char.IsAsciiLetterOrDigit(name[0]) || name[0] == '_'
            ? null
            : "a name must start with a letter, a digit or '_' (not '-' or '.')";
    }

    /// <summary>
    /// Checks a string that is handed to the operating system (an argument, a user name, a path, a variable): it
    /// must not contain a NUL character, which would end it early.
    /// </summary>
    /// <param name="value">The string.</param>
    /// <returns><see langword="null"/> when it can be passed on; otherwise what is wrong, as a phrase.</returns>
    public static string? OsStringProblem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Contains('\0', StringComparison.Ordinal)
            ? "contains a NUL character (\\0), which cannot be passed to a program"
            : null;
    }

    /// <summary>
    /// Checks an environment variable name: not empty, without <c>=</c> (which ends the name in the environment)
    /// and without a NUL character.
    /// </summary>
    /// <param name="name">The variable's name.</param>
    /// <returns><see langword="null"/> when it is valid; otherwise what is wrong, as a phrase.</returns>
    public static string? VariableNameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal)
            ? "a variable name must not be empty or contain '=' or a NUL character"
            : null;
    }

    /// <summary>A name as messages show it: control characters escaped, and cut after <see cref="MaxNameLength"/> characters.</summary>
    /// <param name="name">A program name, valid or not.</param>
    /// <returns>The name in single quotes, safe to print on one line.</returns>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var shown = new StringBuilder("'");
        foreach (var c in name.Length > MaxNameLength ? name[..MaxNameLength] : name)
        {
            _ = c switch
            {
                '\n' => shown.Append("\\n"),
                '\r' => shown.Append("\\r"),
                '\t' => shown.Append("\\t"),
                _ when char.IsControl(c) || char.IsSurrogate(c) => shown.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => shown.Append(c),
            };
        }

        shown.Append('\'');
        return name.Length > MaxNameLength ? shown.Append("...").ToString() : shown.ToString();
    }
}
