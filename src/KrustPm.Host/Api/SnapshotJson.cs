using System.Text.Json;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// The seed's <c>GET /</c> JSON of one published snapshot, serialized once and served as bytes to every reader of
/// that snapshot. The engine's state is immutable and the view is a pure function of it, so the bytes stay right
/// until the engine publishes a new state; a status poller then costs one reference comparison per request.
/// </summary>
internal sealed class SnapshotJson
{
    private Entry? _latest;

    /// <summary>The JSON of every program in <paramref name="state"/>.</summary>
    public byte[] AllPrograms(EngineState state)
    {
        var latest = Volatile.Read(ref _latest);
        if (latest is not null && ReferenceEquals(latest.State, state))
        {
            return latest.Json;
        }

        // Two requests may both serialize a new state: the same bytes, and the later write wins harmlessly.
        var json = JsonSerializer.SerializeToUtf8Bytes(StateProjection.Programs(state), ApiJson.Context.IReadOnlyListProgramView);
        Volatile.Write(ref _latest, new Entry(state, json));
        return json;
    }

    private sealed record Entry(EngineState State, byte[] Json);
}
