namespace KrustPm.Host.Import;

/// <summary>
/// An INI file read the way supervisord reads it (Python's <c>configparser</c> as supervisor 4 configures it): sections
/// <c>[name]</c>; <c>key = value</c> or <c>key: value</c> with keys lower-cased; whole-line comments starting with
/// <c>;</c> or <c>#</c>, and inline ones after whitespace; an indented line continues the value before it (joined
/// with a newline: that is how a long <c>environment</c> is written); a repeated section or key, the last wins.
/// </summary>
/// <remarks>
/// Hand-written: ini-parser-netstandard 2.5.2 refuses a <c>#</c> comment and has no continuation lines, and
/// Microsoft.Extensions.Configuration.Ini reads an indented continuation line as a key of its own and keeps inline
/// comments in the value; neither gives the line of a key, which every import problem and note names.
/// </remarks>
internal sealed class IniDocument
{
    private IniDocument(string path, IReadOnlyList<IniSection> sections)
    {
        Path = path;
        Sections = sections;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The sections in file order (a repeated section is merged into its first place).</summary>
    public IReadOnlyList<IniSection> Sections { get; }

    public static IniDocument Parse(string text, string path)
    {
        var sections = new List<IniSection>();
        IniSection? section = null;
        IniEntry? last = null;
        var lineNumber = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            lineNumber++;
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                last = null; // a blank line ends a value (supervisord's files never rely on blank lines inside one)
                continue;
            }

            if (trimmed[0] is ';' or '#')
            {
                continue;
            }

            if (char.IsWhiteSpace(raw[0]) && last is not null)
            {
                last.Value = (last.Value + "\n" + StripInlineComment(trimmed)).Trim();
                continue;
            }

            if (trimmed[0] == '[')
            {
                var close = trimmed.IndexOf(']');
                if (close < 0)
                {
                    throw new ImportException(path, lineNumber, $"section header without its closing ']': {trimmed}");
                }

                var name = trimmed[1..close].Trim();
                section = sections.Find(s => s.Name == name);
                if (section is null)
                {
                    section = new IniSection(name, path, lineNumber);
                    sections.Add(section);
                }

                last = null;
                continue;
            }

            var delimiter = trimmed.IndexOfAny(['=', ':']);
            if (delimiter <= 0)
            {
                throw new ImportException(path, lineNumber, $"expected 'key = value' or a [section], got: {trimmed}");
            }

            if (section is null)
            {
                throw new ImportException(path, lineNumber, $"'{trimmed}' comes before any [section]");
            }

            var key = trimmed[..delimiter].Trim().ToLowerInvariant();
            last = new IniEntry(key, StripInlineComment(trimmed[(delimiter + 1)..]).Trim(), lineNumber);
            section.Set(last);
        }

        return new IniDocument(path, sections);
    }

    /// <summary>Drops a comment that starts at <c>;</c> or <c>#</c> after whitespace (configparser's inline comments).</summary>
    private static string StripInlineComment(string value)
    {
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] is ';' or '#' && char.IsWhiteSpace(value[i - 1]))
            {
                return value[..i];
            }
        }

        return value;
    }
}

/// <summary>One <c>[section]</c>: its entries in file order, each with its line.</summary>
internal sealed class IniSection(string name, string path, int line)
{
    private readonly List<IniEntry> _entries = [];

    public string Name { get; } = name;

    public string Path { get; } = path;

    public int Line { get; } = line;

    public IReadOnlyList<IniEntry> Entries => _entries;

    public IniEntry? Find(string key) => _entries.Find(e => e.Key == key);

    public string? this[string key] => Find(key)?.Value;

    internal void Set(IniEntry entry)
    {
        _entries.RemoveAll(e => e.Key == entry.Key);
        _entries.Add(entry);
    }
}

/// <summary>One <c>key = value</c>, continuation lines joined with a newline.</summary>
internal sealed class IniEntry(string key, string value, int line)
{
    public string Key { get; } = key;

    public string Value { get; set; } = value;

    public int Line { get; } = line;
}
