using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace KrustPm.Engine;

/// <summary>
/// Splits a command line into argv words with POSIX shell quoting rules, without involving a shell.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Spaces, tabs and line breaks (outside quotes) separate words.</item>
/// <item>Single quotes keep everything up to the next single quote literally.</item>
/// <item>Double quotes keep everything literally, except that a backslash escapes <c>"</c>, <c>\</c>, <c>$</c>,
/// <c>`</c> and a newline (an escaped newline is removed, as in a shell); before any other character the
/// backslash stays.</item>
/// <item>Outside quotes a backslash escapes the next character (an escaped newline is removed).</item>
/// <item>Adjacent quoted and unquoted parts join into one word; <c>''</c> is an empty word.</item>
/// </list>
/// Globs, <c>~</c>, <c>#</c> and operators such as <c>|</c> are plain characters. <c>$VAR</c>, <c>${VAR}</c>,
/// <c>${VAR:-default}</c> and <c>$$</c> expand (outside single quotes, and not after a backslash) only when an
/// environment is given, and a value is never split into words (as if written <c>"$VAR"</c>).
/// </remarks>
public static class CommandSplitter
{
    /// <summary>Splits <paramref name="command"/> into words.</summary>
    /// <param name="command">The command line.</param>
    /// <param name="argv">The words, when the split succeeds; empty otherwise.</param>
    /// <param name="error">Why the split failed (unterminated quote, trailing backslash, no words).</param>
    /// <returns>Whether the command split into at least one word.</returns>
    public static bool TrySplit(string command, out ImmutableArray<string> argv, [NotNullWhen(false)] out string? error) =>
        TrySplit(command, null, out argv, out error);

    /// <summary>Splits <paramref name="command"/> into words, expanding environment variables.</summary>
    /// <param name="command">The command line.</param>
    /// <param name="environment">The environment to expand <c>$VAR</c> against; <see langword="null"/> expands nothing.</param>
    /// <param name="argv">The words, when the split succeeds; empty otherwise.</param>
    /// <param name="error">Why the split failed (unterminated quote, trailing backslash, no words, undefined variable).</param>
    /// <returns>Whether the command split into at least one word.</returns>
    public static bool TrySplit(
        string command, Func<string, string?>? environment, out ImmutableArray<string> argv, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        argv = [];

        while (i < command.Length)
        {
            var c = command[i];
            if (IsSeparator(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                i++;
            }
            else if (c == '\'')
            {
                var close = command.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    error = $"unterminated single quote starting at character {i + 1}";
                    return false;
                }

                word.Append(command, i + 1, close - i - 1);
                inWord = true;
                i = close + 1;
            }
            else if (c == '$' && environment is not null)
            {
                i = ShellVariables.ExpandAt(command, i, environment, word, out var problem);
                if (problem is not null)
                {
                    error = problem;
                    return false;
                }

                inWord = true;
            }
            else if (c == '"')
            {
                var end = ReadDoubleQuoted(command, i, word, environment, out var problem);
                if (problem is not null)
                {
                    error = problem;
                    return false;
                }

                if (end < 0)
                {
                    error = $"unterminated double quote starting at character {i + 1}";
                    return false;
                }

                inWord = true;
                i = end;
            }
            else if (c == '\\')
            {
                if (i + 1 >= command.Length)
                {
                    error = "trailing backslash with nothing to escape";
                    return false;
                }

                var next = command[i + 1];
                if (next != '\n')
                {
                    word.Append(next);
                    inWord = true;
                }

                i += 2;
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0)
        {
            error = "the command is empty";
            return false;
        }

        argv = words.ToImmutable();
        error = null;
        return true;
    }

    /// <summary>
    /// Expands <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c> and <c>$$</c> in <paramref name="text"/> as
    /// <see cref="TrySplit(string, Func{string, string}, out ImmutableArray{string}, out string)"/> does outside single
    /// quotes, without splitting it into words. A <c>$</c> followed by anything else stays as written.
    /// </summary>
    /// <param name="text">The text as written.</param>
    /// <param name="environment">The environment to expand against.</param>
    /// <param name="expanded">The text with every variable replaced; <paramref name="text"/> when the expansion fails.</param>
    /// <param name="error">What is wrong (an undefined variable without a default, a bad <c>${...}</c>).</param>
    /// <returns>Whether every variable was defined.</returns>
    public static bool TryExpand(string text, Func<string, string?> environment, out string expanded, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        expanded = text;
        error = null;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return true;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$')
            {
                result.Append(text[i]);
                i++;
                continue;
            }

            i = ShellVariables.ExpandAt(text, i, environment, result, out var problem);
            if (problem is not null)
            {
                error = problem;
                return false;
            }
        }

        expanded = result.ToString();
        return true;
    }

    private static bool IsSeparator(char c) => c is ' ' or '\t' or '\n' or '\r';

    /// <summary>Reads a double-quoted part starting at the opening quote.</summary>
    /// <returns>The index after the closing quote, or -1 when the quote is not closed.</returns>
    private static int ReadDoubleQuoted(
        string command, int open, StringBuilder word, Func<string, string?>? environment, out string? problem)
    {
        problem = null;
        var i = open + 1;
        while (i < command.Length)
        {
            var c = command[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`' or '\n')
            {
                if (command[i + 1] != '\n')
                {
                    word.Append(command[i + 1]);
                }

                i += 2;
                continue;
            }

            if (c == '$' && environment is not null)
            {
                i = ShellVariables.ExpandAt(command, i, environment, word, out problem);
                if (problem is not null)
                {
                    return -1;
                }

                continue;
            }

            word.Append(c);
            i++;
        }

        return -1;
    }
}
