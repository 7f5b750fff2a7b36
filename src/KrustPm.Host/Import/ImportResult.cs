namespace KrustPm.Host.Import;

/// <summary>What an import made: the programs, and notes on the file as a whole (sections not translated).</summary>
internal sealed record ImportResult(string Source, IReadOnlyList<ImportedProgram> Programs, IReadOnlyList<string> FileNotes)
{
    /// <summary>The krust-pm.toml text.</summary>
    public string ToToml(string tool) => TomlText.Write(
        $"krust-pm.toml imported from {tool}: {Source}\n"
            + "by `krust-pm import`. Check it with `krust-pm check -c FILE`; each `# not translated:` line is a setting\n"
            + "krust-pm has no equivalent for (see docs/migrating.md).",
        FileNotes,
        Programs);

    /// <summary>How many settings were not translated, over the file and its programs.</summary>
    public int NotTranslatedCount => FileNotes.Count(n => n.StartsWith("not translated", StringComparison.Ordinal))
        + Programs.Sum(p => p.NotTranslated.Count);
}
