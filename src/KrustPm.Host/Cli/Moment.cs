using System.Globalization;

namespace KrustPm.Host.Cli;

/// <summary>
/// A moment given on the command line (<c>history --since</c>, <c>replay --at</c>, <c>logs --since</c>): an ISO 8601 /
/// RFC 3339 time, or how long ago (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>).
/// </summary>
internal static class Moment
{
    /// <summary>Reads <paramref name="text"/> (none: no moment); a bad one is said on stderr, naming <paramref name="option"/>.</summary>
    public static bool TryParse(string? text, string option, out DateTimeOffset? moment)
    {
        moment = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var absolute))
        {
            moment = absolute;
            return true;
        }

        if (text.Length > 1 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            && text[^1] switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), 'd' => TimeSpan.FromDays(amount), _ => (TimeSpan?)null } is { } ago)
        {
            moment = DateTimeOffset.Now - ago;
            return true;
        }

        Console.Error.WriteLine($"krust-pm: {option} {text}: expected an ISO 8601 time (2026-12-04T14:03:00Z) or how long ago (90s, 15m, 2h, 1d).");
        return false;
    }
}
