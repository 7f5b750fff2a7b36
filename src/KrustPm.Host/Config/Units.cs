using System.Globalization;

namespace KrustPm.Host.Config;

/// <summary>
/// Durations and sizes written as strings: <c>"500ms"</c>, <c>"10s"</c>, <c>"1m30s"</c>; <c>"300M"</c>,
/// <c>"1GiB"</c>, <c>"50MB"</c>. One parser for every <c>_ms</c> and <c>_bytes</c> key and for later ones.
/// </summary>
internal static class Units
{
    /// <summary>What a duration looks like, for messages.</summary>
    public const string DurationExamples = "a number of milliseconds or a string such as \"500ms\", \"10s\", \"2m\", \"1h\" or \"1m30s\"";

    /// <summary>What a size looks like, for messages.</summary>
    public const string SizeExamples = "a number of bytes or a string such as \"512K\", \"300M\", \"1GiB\" or \"50MB\"";

    private static readonly (string Unit, long Milliseconds)[] DurationUnits =
        [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];

    /// <summary>
    /// The size units: <c>K</c>, <c>M</c>, <c>G</c>, <c>T</c> and their <c>iB</c> forms are 1024-based (as systemd and
    /// PM2 read <c>300M</c>); <c>KB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c> are 1000-based. Case does not matter.
    /// </summary>
    private static readonly (string Unit, long Bytes)[] SizeUnits =
    [
        ("b", 1),
        ("k", 1L << 10), ("kib", 1L << 10), ("kb", 1000),
        ("m", 1L << 20), ("mib", 1L << 20), ("mb", 1000_000),
        ("g", 1L << 30), ("gib", 1L << 30), ("gb", 1000_000_000),
        ("t", 1L << 40), ("tib", 1L << 40), ("tb", 1000_000_000_000),
    ];

    /// <summary>Parses a duration string: one or more number-unit pairs (<c>1m30s</c>), units <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>.</summary>
    /// <returns><see langword="null"/> when valid; otherwise what is wrong, as a phrase.</returns>
    public static string? TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var total = 0m;
        var position = 0;
        if (text.Trim().Length == 0)
        {
            return $"an empty duration; expected {DurationExamples}";
        }

        while (position < text.Length)
        {
            if (ReadNumber(text, ref position) is not { } number)
            {
                return $"invalid duration {TomlSyntax.Quote(text)}: expected a number at {TomlSyntax.Quote(text[position..])}; expected {DurationExamples}";
            }

            var unit = ReadUnit(text, ref position);
            var match = DurationUnits.FirstOrDefault(u => u.Unit == unit);
            if (match.Unit is null)
            {
                var what = unit.Length == 0 ? "a unit is missing" : $"unknown unit {TomlSyntax.Quote(unit)}";
                return $"invalid duration {TomlSyntax.Quote(text)}: {what} (use ms, s, m, h or d); expected {DurationExamples}";
            }

            total += number * match.Milliseconds;
            if (total > int.MaxValue)
            {
                return $"duration {TomlSyntax.Quote(text)} is too long (at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)} ms, about 24 days)";
            }
        }

        if (total != decimal.Truncate(total))
        {
            return $"duration {TomlSyntax.Quote(text)} is not a whole number of milliseconds";
        }

        duration = TimeSpan.FromMilliseconds((double)total);
        return null;
    }

    /// <summary>Parses a size string: a number and an optional unit (<c>300M</c>, <c>1.5GiB</c>, <c>50 MB</c>, <c>4096</c>).</summary>
    /// <returns><see langword="null"/> when valid; otherwise what is wrong, as a phrase.</returns>
    public static string? TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var position = 0;
        if (ReadNumber(text, ref position) is not { } number)
        {
            return $"invalid size {TomlSyntax.Quote(text)}: expected {SizeExamples}";
        }

        var unit = ReadUnit(text, ref position);
        var match = unit.Length == 0 ? ("b", 1L) : SizeUnits.FirstOrDefault(u => u.Unit == unit);
        if (match.Item1 is null || position != text.Length)
        {
            return $"invalid size {TomlSyntax.Quote(text)}: units are B, K, M, G, T (1024-based, also written KiB..TiB) and KB, MB, GB, TB (1000-based); expected {SizeExamples}";
        }

        var total = number * match.Item2;
        if (total > long.MaxValue)
        {
            return $"size {TomlSyntax.Quote(text)} is too large";
        }

        if (total != decimal.Truncate(total))
        {
            return $"size {TomlSyntax.Quote(text)} is not a whole number of bytes";
        }

        bytes = (long)total;
        return null;
    }

    private static decimal? ReadNumber(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }

        var start = position;
        while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.'))
        {
            position++;
        }

        return decimal.TryParse(text.AsSpan(start, position - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
    }

    private static string ReadUnit(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }

        var start = position;
        while (position < text.Length && char.IsAsciiLetter(text[position]))
        {
            position++;
        }

        var unit = text[start..position].ToLowerInvariant();
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }

        return unit;
    }
}
