namespace KrustPm.Host.Config;

/// <summary>The rule for program names: they appear in URL paths of the HTTP API.</summary>
public static class ProgramNames
{
    /// <summary>Checks a program name: ASCII letters, digits, <c>_</c>, <c>-</c> and <c>.</c>, not <c>.</c> or <c>..</c>.</summary>
    /// <param name="name">The name to check.</param>
    /// <returns><see langword="null"/> when valid; otherwise what is wrong.</returns>
    public static string? Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "the name is empty";
        }

        if (name is "." or "..")
        {
            return "'.' and '..' cannot be used in URL paths";
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? null
            : "use only ASCII letters, digits, '_', '-' and '.' (the name is used in URL paths)";
    }
}
