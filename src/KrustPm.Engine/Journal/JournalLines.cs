using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace KrustPm.Engine.Journal;

/// <summary>
/// The journal's lines: one JSON object per line, readable with standard tools (<c>jq</c>), ending with a CRC-32 of
/// the line's bytes before it, so a torn or damaged line is told from a good one:
/// <c>{"id":12,"v":7,"e":{"type":"InstanceExited",...},"crc":"1a2b3c4d"}</c>.
/// </summary>
internal static class JournalLines
{
    /// <summary>The bytes every line ends with after the checksum's 8 hex digits: <c>"}</c> and a newline.</summary>
    private const int SuffixLength = 18; // ,"crc":"xxxxxxxx"}

    private static readonly byte[] CrcStart = Encoding.ASCII.GetBytes(",\"crc\":\"");

    /// <summary>Writes one record as a line (with its newline) to <paramref name="output"/>.</summary>
    public static void Write(ArrayBufferWriter<byte> output, Utf8JsonWriter json, JournalRecord record)
    {
        var start = output.WrittenCount;
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("id", record.Id);
        json.WriteNumber("v", record.Version);
        json.WritePropertyName("e");
        JsonSerializer.Serialize(json, record.Event, JournalJson.Default.EngineEvent);
        json.WriteEndObject();
        json.Flush();
        Seal(output, start);
    }

    /// <summary>Writes a segment's header as a line (with its newline).</summary>
    public static void WriteHeader(ArrayBufferWriter<byte> output, Utf8JsonWriter json, SegmentHeader header)
    {
        var start = output.WrittenCount;
        json.Reset(output);
        JsonSerializer.Serialize(json, header, JournalJson.Default.SegmentHeader);
        json.Flush();
        Seal(output, start);
    }

    /// <summary>Whether a line (without its newline) ends with the checksum of what comes before it.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> line)
    {
        if (line.Length <= SuffixLength || line[^1] != (byte)'}' || line[^2] != (byte)'"'
            || !line[^SuffixLength..].StartsWith(CrcStart))
        {
            return false;
        }

        var body = line[..^SuffixLength];
        var hex = Encoding.ASCII.GetString(line[^10..^2]);
        if (!uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var expected))
        {
            return false;
        }

        // The checksum covers the object as it was before the checksum was added: the body and its closing brace.
        var crc = new Crc32();
        crc.Append(body);
        crc.Append("}"u8);
        return crc.GetCurrentHashAsUInt32() == expected;
    }

    /// <summary>Reads a record from an intact line; throws <see cref="JsonException"/> if it is not one.</summary>
    public static JournalRecord Read(ReadOnlySpan<byte> line)
    {
        var parsed = JsonSerializer.Deserialize(line, JournalJson.Default.JournalLine) ?? throw new JsonException("The line is null.");
        return new JournalRecord(parsed.Id, parsed.V, JournalSpecs.Normalize(parsed.E ?? throw new JsonException("The line has no event.")));
    }

    /// <summary>Reads a segment's header from an intact line; throws <see cref="JsonException"/> if it is not one.</summary>
    public static SegmentHeader ReadHeader(ReadOnlySpan<byte> line)
    {
        var header = JsonSerializer.Deserialize(line, JournalJson.Default.SegmentHeader) ?? throw new JsonException("The header is null.");
        return header with { State = JournalSpecs.Normalize(header.State) };
    }

    /// <summary>The <c>type</c> of the event on an intact line that does not read as a known event, if it has one.</summary>
    public static string? EventType(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.TryGetProperty("e", out var e) && e.TryGetProperty("type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the object's closing brace (the last byte written) by the checksum of the object, a brace and a newline.</summary>
    private static void Seal(ArrayBufferWriter<byte> output, int start)
    {
        var crc = Crc32.HashToUInt32(output.WrittenSpan[start..]);
        MemoryMarshal.AsMemory(output.WrittenMemory).Span[^1] = (byte)',';
        output.Write(Encoding.ASCII.GetBytes($"\"crc\":\"{crc:x8}\"}}\n"));
    }
}
