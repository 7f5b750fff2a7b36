using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KrustPm.Host.Api;

/// <summary>One program in <c>GET /</c>: the seed contract's fields first, then extras.</summary>
public sealed record ProgramView(
    string Name,
    string Cmd,
    string Status,
    int TotalInstances,
    IReadOnlyList<InstanceView> Instances);

/// <summary>One instance in <c>GET /</c>: <c>id</c>, <c>currentTry</c> and <c>status</c> are the seed contract.</summary>
public sealed record InstanceView(long Id, int CurrentTry, string Status)
{
    /// <summary>Failed tries in a row since the last stable run; drives the backoff and the retry budget.</summary>
    public int ConsecutiveFailures { get; init; }

    public int? Pid { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? ExitedAt { get; init; }

    public int? LastExitCode { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? NextTryAt { get; init; }
}

/// <summary>The last lines of one stream of one instance (<c>GET /api/v1/programs/{name}/logs</c>).</summary>
public sealed record LogLinesView(string Program, long Instance, string Stream, IReadOnlyList<string> Lines);

/// <summary>The JSON options of every API answer: camelCase, indented, nulls left out, and readable text.</summary>
internal static class ApiJson
{
    /// <summary>
    /// The source-generated context with relaxed escaping, so that a reason such as <c>no such user 'x'</c> reads as
    /// written instead of <c>\u0027x\u0027</c> (answers are JSON documents, never embedded in HTML).
    /// </summary>
    public static ApiJsonContext Context { get; } = new(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.WriteIndented = true;
        return options;
    }
}

/// <summary>Source-generated JSON for everything the API writes: no reflection, ready for Native AOT.</summary>
[JsonSerializable(typeof(IReadOnlyList<ProgramView>))]
[JsonSerializable(typeof(LogLinesView))]
[JsonSerializable(typeof(int))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
