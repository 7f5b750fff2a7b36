namespace KrustPm.Host.Import;

/// <summary>
/// <c>krust-pm import supervisord FILE</c>: reads a supervisord.conf (and the files its <c>[include]</c> names) and
/// translates each <c>[program:x]</c> into a krust-pm program (mapping in docs/migrating.md).
/// </summary>
internal static partial class SupervisordImport
{
    /// <summary>Sections that configure supervisord itself: nothing of krust-pm's program settings to take from them.</summary>
    private static readonly string[] DaemonSections = ["supervisord", "supervisorctl", "unix_http_server", "inet_http_server", "include"];

    public static ImportResult Translate(string path)
    {
        var main = Read(Path.GetFullPath(path));
        var notes = new List<string>();
        var sections = new List<IniSection>(main.Sections);
        if (main.Sections.FirstOrDefault(s => s.Name == "include") is { } include)
        {
            foreach (var file in Included(include, notes))
            {
                var included = Read(file);
                foreach (var section in included.Sections)
                {
                    if (section.Name == "include")
                    {
                        notes.Add($"not translated: [include] in {file}:{section.Line} (supervisord reads [include] in its main file only)");
                        continue;
                    }

                    if (sections.Find(s => s.Name == section.Name) is { } twice)
                    {
                        throw new ImportException(
                            section.Path, section.Line, $"[{section.Name}] is defined twice: here and in {twice.Path}:{twice.Line}");
                    }

                    sections.Add(section);
                }
            }
        }

        var groups = Groups(sections, notes);
        var names = new ProgramNames();
        var programs = new List<ImportedProgram>();
        foreach (var section in sections)
        {
            if (section.Name.StartsWith("program:", StringComparison.Ordinal))
            {
                var name = section.Name["program:".Length..].Trim();
                programs.Add(Program(section, name, names, groups.GetValueOrDefault(name)));
            }
            else if (section.Name.StartsWith("group:", StringComparison.Ordinal))
            {
                continue;
            }
            else if (DaemonSections.Contains(section.Name) || section.Name.StartsWith("rpcinterface:", StringComparison.Ordinal))
            {
                if (section.Name == "inet_http_server" && section["port"] is { } port)
                {
                    notes.Add($"not translated: [inet_http_server] port = {port} (krust-pm's API address is server-port; its API is not XML-RPC)");
                }
            }
            else
            {
                notes.Add($"not translated: [{section.Name}] in {section.Path}:{section.Line} (krust-pm has no "
                    + (section.Name.StartsWith("eventlistener:", StringComparison.Ordinal) ? "event listeners: follow GET /api/v1/events instead)"
                        : section.Name.StartsWith("fcgi-program:", StringComparison.Ordinal) ? "FastCGI sockets)" : "such section)"));
            }
        }

        return new ImportResult(Path.GetFullPath(path), programs, notes);
    }

    private static IniDocument Read(string path)
    {
        try
        {
            return IniDocument.Parse(File.ReadAllText(path), path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ImportException(path, null, error is FileNotFoundException or DirectoryNotFoundException
                ? "cannot read the file: file not found"
                : $"cannot read the file: {error.Message}");
        }
    }

    /// <summary>
    /// The files <c>[include] files = ...</c> names: space-separated paths relative to the main file's folder,
    /// wildcards in the file name part (<c>conf.d/*.conf</c>), each pattern's matches in name order.
    /// </summary>
    private static IEnumerable<string> Included(IniSection include, List<string> notes)
    {
        if (include.Find("files") is not { } files)
        {
            throw new ImportException(include.Path, include.Line, "[include] has no 'files' key");
        }

        var folder = Path.GetDirectoryName(include.Path)!;
        foreach (var pattern in files.Value.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.GetFullPath(pattern, folder);
            var directory = Path.GetDirectoryName(full)!;
            var name = Path.GetFileName(full);
            if (directory.IndexOfAny(['*', '?', '[']) >= 0)
            {
                throw new ImportException(include.Path, files.Line, $"[include] '{pattern}': wildcards are read in the file name only, not in folders");
            }

            if (name.IndexOfAny(['*', '?', '[']) < 0)
            {
                if (!File.Exists(full))
                {
                    throw new ImportException(include.Path, files.Line, $"[include] names {full}, which does not exist");
                }

                yield return full;
                continue;
            }

            if (!Directory.Exists(directory))
            {
                throw new ImportException(include.Path, files.Line, $"[include] '{pattern}': the folder {directory} does not exist");
            }

            var matches = Directory.GetFiles(directory, name, new EnumerationOptions { MatchType = MatchType.Simple, RecurseSubdirectories = false });
            if (matches.Length == 0)
            {
                notes.Add($"[include] '{pattern}' ({include.Path}:{files.Line}) matched no file");
            }

            foreach (var match in matches.Order(StringComparer.Ordinal))
            {
                yield return match;
            }
        }
    }

    /// <summary>Each program's groups, from the <c>[group:x] programs = a,b</c> sections.</summary>
    private static Dictionary<string, List<string>> Groups(List<IniSection> sections, List<string> notes)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var section in sections.Where(s => s.Name.StartsWith("group:", StringComparison.Ordinal)))
        {
            var group = section.Name["group:".Length..].Trim();
            if (section.Find("programs") is not { } members)
            {
                throw new ImportException(section.Path, section.Line, $"[{section.Name}] has no 'programs' key");
            }

            foreach (var member in members.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!sections.Exists(s => s.Name == $"program:{member}"))
                {
                    throw new ImportException(section.Path, members.Line, $"[{section.Name}] lists '{member}', which has no [program:{member}] section");
                }

                if (!groups.TryGetValue(member, out var list))
                {
                    groups[member] = list = [];
                }

                list.Add(group);
            }

            if (section["priority"] is { } priority)
            {
                notes.Add($"not translated: [{section.Name}] priority = {priority} (krust-pm starts programs at once; order them with depends_on)");
            }
        }

        return groups;
    }
}
