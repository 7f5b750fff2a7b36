using Cronos;

namespace KrustPm.Engine;

/// <summary>
/// Cron expressions of <see cref="ProgramSpec.CronRestart"/> and <see cref="ProgramSpec.Schedule"/>, read with Cronos:
/// 5 fields (minute hour day-of-month month day-of-week), or 6 with a leading seconds field as PM2 accepts, in a time
/// zone (<see cref="ProgramSpec.TimeZone"/>, an IANA name; krust-pm's local zone when none).
/// </summary>
public static class CronSchedule
{
    /// <summary>What the expression is wrong about, as a phrase; <see langword="null"/> when it is valid.</summary>
    /// <param name="expression">The expression.</param>
    public static string? Problem(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        if (fields is not (5 or 6))
        {
            return $"expected 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, got {fields} in \"{expression}\"";
        }

        try
        {
            _ = Parse(expression);
            return null;
        }
        catch (CronFormatException error)
        {
            return $"\"{expression}\" is not a cron expression: {error.Message}";
        }
    }

    /// <summary>What the time zone is wrong about; <see langword="null"/> when the system knows it.</summary>
    /// <param name="timeZone">An IANA time zone name, such as <c>Europe/Paris</c>.</param>
    public static string? TimeZoneProblem(string timeZone)
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            return null;
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"unknown time zone \"{timeZone}\": expected an IANA name such as \"Europe/Paris\" or \"UTC\"";
        }
    }

    /// <summary>The first tick strictly after <paramref name="after"/>; <see langword="null"/> when there is none.</summary>
    /// <param name="expression">A valid expression (see <see cref="Problem"/>).</param>
    /// <param name="timeZone">The zone, or <see langword="null"/> for the local one.</param>
    /// <param name="after">The time to look after.</param>
    public static DateTimeOffset? Next(string expression, string? timeZone, DateTimeOffset after)
    {
        var zone = timeZone is null ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        return Parse(expression).GetNextOccurrence(after, zone, inclusive: false);
    }

    private static CronExpression Parse(string expression)
    {
        var text = expression.Trim();
        var format = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.Parse(text, format);
    }
}
