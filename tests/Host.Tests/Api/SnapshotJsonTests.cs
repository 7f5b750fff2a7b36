using System.Text.Json;
using KrustPm.Engine;
using KrustPm.Host.Api;

namespace KrustPm.Host.Tests.Api;

/// <summary>The JSON of <c>GET /</c> is serialized once per published snapshot, and never outlives it.</summary>
public sealed class SnapshotJsonTests
{
    private static readonly EngineState Loaded = Decider.Reduce(
        EngineState.Empty,
        new Message.Load([new ProgramSpec("web", "sleep 60", ["sleep", "60"]) { Instances = 2 }], 1, DateTimeOffset.UnixEpoch)).State;

    [Fact]
    public void The_same_snapshot_is_served_from_the_same_bytes()
    {
        var cache = new SnapshotJson();

        Assert.Same(cache.AllPrograms(Loaded), cache.AllPrograms(Loaded));
    }

    [Fact]
    public void A_new_snapshot_is_serialized_again_and_shows_the_change()
    {
        var cache = new SnapshotJson();
        var before = cache.AllPrograms(Loaded);
        var scaled = Decider.Reduce(Loaded, new Message.Scale("web", 3, 2, DateTimeOffset.UnixEpoch)).State;

        var after = cache.AllPrograms(scaled);

        Assert.Equal(2, TotalInstances(before));
        Assert.Equal(3, TotalInstances(after));
    }

    [Fact]
    public void The_bytes_equal_the_projection_serialized_directly()
    {
        var direct = JsonSerializer.SerializeToUtf8Bytes(StateProjection.Programs(Loaded), ApiJson.Context.IReadOnlyListProgramView);

        Assert.Equal(direct, new SnapshotJson().AllPrograms(Loaded));
    }

    private static int TotalInstances(byte[] json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().Single().GetProperty("totalInstances").GetInt32();
}
