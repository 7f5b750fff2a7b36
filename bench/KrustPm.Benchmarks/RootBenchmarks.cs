using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KrustPm.Engine;
using KrustPm.Host.Api;

namespace KrustPm.Benchmarks;

/// <summary>
/// What <c>GET /</c> costs besides HTTP: the host's projection of the snapshot into its views, then the
/// source-generated JSON it answers with (indented, as served), written into a reused stream.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet ends it in [GlobalCleanup], not Dispose.")]
public class RootBenchmarks
{
    private readonly MemoryStream _body = new();
    private EngineState _state = EngineState.Empty;

    [Params(10, 1_000, 5_000)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup() => _state = Fixtures.Running(Fixtures.Spec(Instances));

    [GlobalCleanup]
    public void Cleanup() => _body.Dispose();

    /// <summary>The views only.</summary>
    [Benchmark]
    public int Projection() => StateProjection.Programs(_state).Count;

    /// <summary>The views and their JSON: what the handler and its result do for one request.</summary>
    [Benchmark(Baseline = true)]
    public long ProjectionAndJson()
    {
        _body.SetLength(0);
        IReadOnlyList<ProgramView> programs = StateProjection.Programs(_state);
        JsonSerializer.Serialize(_body, programs, ApiJson.Context.IReadOnlyListProgramView);
        return _body.Length;
    }
}
