namespace KrustPm.Host.Import;

/// <summary>An input file that cannot be translated: where (file and line, when known) and why.</summary>
internal sealed class ImportException(string file, int? line, string reason) : Exception(reason)
{
    public string File { get; } = file;

    public int? Line { get; } = line;

    /// <summary>The one line the command prints: <c>FILE:LINE: reason</c>.</summary>
    public string Located => Line is { } at ? $"{File}:{at}: {Message}" : $"{File}: {Message}";
}
