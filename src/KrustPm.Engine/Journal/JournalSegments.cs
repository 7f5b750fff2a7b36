using System.Globalization;

namespace KrustPm.Engine.Journal;

/// <summary>The segment files of a journal folder: <c>segment-000001.jsonl</c>, <c>segment-000002.jsonl</c>...</summary>
public static class JournalSegments
{
    private const string Prefix = "segment-";
    private const string Suffix = ".jsonl";

    /// <summary>The segments of a folder, oldest first (none when the folder does not exist).</summary>
    /// <param name="directory">The journal folder.</param>
    /// <returns>Each segment's number and path.</returns>
    public static IReadOnlyList<(long Number, string Path)> List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var found = new List<(long, string)>();
        foreach (var path in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            var name = Path.GetFileName(path);
            if (long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                found.Add((number, path));
            }
        }

        return [.. found.OrderBy(s => s.Item1)];
    }

    /// <summary>The path of segment <paramref name="number"/> in a folder.</summary>
    /// <param name="directory">The journal folder.</param>
    /// <param name="number">The segment's number.</param>
    /// <returns>The path.</returns>
    public static string PathOf(string directory, long number) =>
        Path.Combine(directory, $"{Prefix}{number.ToString("D6", CultureInfo.InvariantCulture)}{Suffix}");
}
