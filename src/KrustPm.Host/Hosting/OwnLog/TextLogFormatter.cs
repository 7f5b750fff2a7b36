using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace KrustPm.Host.Hosting.OwnLog;

/// <summary>
/// krust-pm's own log as text, one line per event:
/// <c>2026-12-04 23:42:00.646 +01:00 WARN  engine: bad.0 exited with code 3; restart in 11 ms (try 2, ...)</c>:
/// date, time and offset, level, a short source (<see cref="LogWords.Source"/>), the message. When stderr is the
/// journal (<see cref="JournalStream"/>), the line is <c>&lt;4&gt;engine: ...</c> instead: journald stamps each line
/// itself and files it under the priority in the brackets.
/// </summary>
internal sealed class TextLogFormatter(TimeProvider time, bool toJournal) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "krust-pm-text";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var prefix = toJournal
            ? $"<{LogWords.JournalPriority(logEntry.LogLevel)}>"
            : time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss.fff zzz ", CultureInfo.InvariantCulture) + LogWords.Level(logEntry.LogLevel).PadRight(6);
        textWriter.Write(prefix);
        textWriter.Write(LogWords.Source(logEntry.Category));
        textWriter.Write(": ");
        textWriter.Write(OneLine(message));
        textWriter.Write('\n');
        if (logEntry.Exception is { } exception)
        {
            // Only a krust-pm bug carries a stack trace; each of its lines keeps the level under the journal.
            foreach (var line in exception.ToString().Split('\n'))
            {
                textWriter.Write(toJournal ? prefix : "    ");
                textWriter.Write(line.TrimEnd('\r'));
                textWriter.Write('\n');
            }
        }
    }

    /// <summary>A message with a line break (a program's name or an error text) stays one line of the log.</summary>
    private static string OneLine(string message) =>
        message.Contains('\n', StringComparison.Ordinal) || message.Contains('\r', StringComparison.Ordinal)
            ? message.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            : message;
}
