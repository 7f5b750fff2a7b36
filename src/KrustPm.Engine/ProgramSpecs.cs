using System.Text.Json;

namespace KrustPm.Engine;

/// <summary>Comparisons of program specifications.</summary>
public static class ProgramSpecs
{
    /// <summary>
    /// Whether two specifications say the same thing: every setting equal, lists and tables by their contents (a
    /// record's own equality compares lists by reference). Compared as their journal JSON, so a setting added to
    /// <see cref="ProgramSpec"/> is compared too without being listed here.
    /// </summary>
    /// <param name="a">One specification.</param>
    /// <param name="b">The other.</param>
    /// <returns>Whether they are the same.</returns>
    public static bool SameSettings(ProgramSpec a, ProgramSpec b) =>
        ReferenceEquals(a, b)
        || JsonSerializer.SerializeToUtf8Bytes(a, Journal.JournalJson.Default.ProgramSpec)
            .AsSpan()
            .SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, Journal.JournalJson.Default.ProgramSpec));
}
