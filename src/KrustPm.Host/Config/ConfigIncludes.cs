using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>
/// Reads the files of one <c>include</c> pattern, each with its own problems (named by its own path and lines), its
/// programs merged after those read before, and a cycle refused where the include is written.
/// </summary>
internal static class ConfigIncludes
{
    /// <summary>The programs of the files <paramref name="pattern"/> names, in order.</summary>
    public static ImmutableArray<ProgramSpec> Read(string pattern, int? line, string directory, ProblemList problems, ConfigAssembly assembly)
    {
        if (IncludePatterns.Folder(pattern, directory) is { } folder && !assembly.IncludeFolders.Contains(folder))
        {
            assembly.IncludeFolders.Add(folder);
        }

        if (IncludePatterns.Resolve(pattern, directory, out var files) is { } error)
        {
            problems.AddKey(line, null, ConfigDocumentReader.IncludeKey, error);
            return [];
        }

        var programs = ImmutableArray.CreateBuilder<ProgramSpec>();
        foreach (var file in files)
        {
            if (assembly.Chain.Contains(file))
            {
                var cycle = string.Join(" -> ", assembly.Chain.SkipWhile(f => f != file).Append(file));
                problems.AddKey(line, null, ConfigDocumentReader.IncludeKey, $"include cycle: {cycle}");
                continue;
            }

            var included = new ProblemList(file);
            assembly.Files.Add(included);
            assembly.Included.Add(file);
            if (ConfigLoader.ReadText(file, out var text) is { } unreadable)
            {
                included.Add(null, $"{unreadable} (included from {problems.File}:{line})");
                continue;
            }

            if (ConfigLoader.ParseDocument(text, file, included) is not { } document)
            {
                continue;
            }

            assembly.Chain.Add(file);
            programs.AddRange(ConfigDocumentReader.Read(document, file, included, assembly).Programs);
            assembly.Chain.RemoveAt(assembly.Chain.Count - 1);
        }

        return programs.ToImmutable();
    }
}
