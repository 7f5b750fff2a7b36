using System.Text.Json.Serialization;

namespace KrustPm.Engine.Journal;

/// <summary>
/// The journal's JSON, source-generated (no reflection: Native AOT): camelCase names, enums by name, nulls left out.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(JournalLine))]
[JsonSerializable(typeof(SegmentHeader))]
[JsonSerializable(typeof(ProgramSpec))]
[JsonSerializable(typeof(EngineState))]
internal sealed partial class JournalJson : JsonSerializerContext;

/// <summary>One record of a segment: an event with its id and the version of the state its message produced.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="V">The state's version after the message that decided it.</param>
/// <param name="E">The event.</param>
internal sealed record JournalLine(long Id, long V, EngineEvent E);

/// <summary>The first line of a segment: what wrote it, and the state when it began (so older segments can go).</summary>
/// <param name="Journal">Always <c>krust-pm</c>.</param>
/// <param name="Schema">The format's version: a reader refuses a segment of a newer schema it does not know.</param>
/// <param name="Segment">The segment's number.</param>
/// <param name="CreatedAt">When it began.</param>
/// <param name="State">The engine's state when it began.</param>
internal sealed record SegmentHeader(string Journal, int Schema, long Segment, DateTimeOffset CreatedAt, EngineState State);
