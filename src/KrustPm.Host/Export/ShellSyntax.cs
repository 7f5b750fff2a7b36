namespace KrustPm.Host.Export;

/// <summary>POSIX shell quoting, for the small probe scripts the exporters write.</summary>
internal static class ShellSyntax
{
    /// <summary>One word in single quotes (a single quote inside becomes <c>'\''</c>); plain words stay as they are.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or ':' or '=' or ',' or '+' or '@')
            ? word
            : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>A command line of quoted words.</summary>
    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));
}
