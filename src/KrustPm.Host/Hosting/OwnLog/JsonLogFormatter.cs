using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace KrustPm.Host.Hosting.OwnLog;

/// <summary>
/// krust-pm's own log as JSON, one object per line, for log shippers (Vector, Fluent Bit, Loki's promtail):
/// <c>{"time":"...","level":"WARN","source":"engine","event":"instance.exited","message":"...","program":"bad",
/// "instance":0,"exitCode":3,"try":1,"delayMs":11}</c>. Every value the message was made of is a field of its own, as
/// a number where it is one; <c>event</c> names the engine event in the event API's vocabulary.
/// </summary>
internal sealed class JsonLogFormatter(TimeProvider time) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "krust-pm-json";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("time", time.GetLocalNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
            json.WriteString("level", LogWords.Level(logEntry.LogLevel));
            json.WriteString("source", LogWords.Source(logEntry.Category));
            if (logEntry.EventId.Name is { } name && name.Contains('.', StringComparison.Ordinal))
            {
                json.WriteString("event", name);
            }

            json.WriteString("message", message);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key != "{OriginalFormat}")
                    {
                        WriteField(json, LogWords.Field(key), value);
                    }
                }
            }

            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static void WriteField(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case int i:
                json.WriteNumber(name, i);
                break;
            case long l:
                json.WriteNumber(name, l);
                break;
            case double d:
                json.WriteNumber(name, d);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
