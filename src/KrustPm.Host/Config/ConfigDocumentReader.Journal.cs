using KrustPm.Engine.Journal;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>The journal's top-level keys.</summary>
internal static partial class ConfigDocumentReader
{
    /// <summary>The smallest segment: a segment begins with a snapshot, so a tiny one would be all snapshots.</summary>
    public const long MinJournalBytes = 64 * 1024;

    private static JournalSettings ReadJournalKey(string key, ValueSyntax? value, int? line, string directory, ProblemList problems, JournalSettings journal)
    {
        switch (key, value)
        {
            case ("journal", BooleanValueSyntax enabled):
                return journal with { Enabled = enabled.Value };
            case ("journal_dir", StringValueSyntax { Value: { Length: > 0 } text }):
                try
                {
                    return journal with { Directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(text, directory)) };
                }
                catch (ArgumentException)
                {
                    problems.AddKey(line, null, key, $"invalid path {TomlSyntax.Quote(text)}");
                    return journal;
                }

            case ("journal_max_bytes", IntegerValueSyntax { Value: >= MinJournalBytes } bytes):
                return journal with { Options = journal.Options with { MaxSegmentBytes = bytes.Value } };
            case ("journal_max_bytes", StringValueSyntax { Value: { } size }):
                if (Units.TryParseSize(size, out var sizeBytes) is { } sizeProblem)
                {
                    problems.AddKey(line, null, key, sizeProblem);
                    return journal;
                }

                if (sizeBytes >= MinJournalBytes)
                {
                    return journal with { Options = journal.Options with { MaxSegmentBytes = sizeBytes } };
                }

                break;
            case ("journal_max_segments", IntegerValueSyntax { Value: >= 2 and <= 10_000 } count):
                return journal with { Options = journal.Options with { MaxSegments = (int)count.Value } };
            case ("journal_fsync", StringValueSyntax { Value: "never" or "batch" } sync):
                return journal with { Options = journal.Options with { Sync = sync.Value == "batch" ? JournalSync.Batch : JournalSync.Never } };
        }

        var expected = key switch
        {
            "journal" => "true or false",
            "journal_dir" => "a directory path string",
            "journal_max_bytes" => $"a size of at least {MinJournalBytes} bytes (a number of bytes or a string such as \"64M\")",
            "journal_max_segments" => "an integer from 2 to 10000",
            _ => "\"never\" or \"batch\"",
        };
        problems.AddKey(line, null, key, $"expected {expected}, got {TomlSyntax.Describe(value)}");
        return journal;
    }
}
