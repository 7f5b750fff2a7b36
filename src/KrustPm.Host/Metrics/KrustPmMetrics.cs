using System.Diagnostics.Metrics;
using System.Globalization;
using KrustPm.Engine;
using KrustPm.Host.Resources;

namespace KrustPm.Host.Metrics;

/// <summary>
/// krust-pm's metrics, as <see cref="System.Diagnostics.Metrics"/> instruments of the meter <c>krust-pm</c>, which the
/// OpenTelemetry SDK exports (<c>GET /metrics</c> in Prometheus text; OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set). Per instance (labels <c>program</c>, <c>instance</c>): whether it is up, its status, restarts, CPU
/// seconds, resident memory, uptime, readiness; per program: desired and running instances; krust-pm's own events,
/// commands, command queue and spawn latency. The observable ones read the engine's latest snapshot and the latest
/// resource samples when collected, so they cost nothing between scrapes.
/// </summary>
internal sealed class KrustPmMetrics : IDisposable
{
    /// <summary>The meter's name (<c>AddMeter</c>).</summary>
    public const string MeterName = "krust-pm";

    private readonly Meter _meter = new(MeterName, typeof(KrustPmMetrics).Assembly.GetName().Version?.ToString());
    private readonly ProcessEngine _engine;
    private readonly ResourceSampler _resources;
    private readonly TimeProvider _time;
    private readonly Counter<long> _events;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _spawn;

    /// <summary>When each run in flight was launched (touched on the engine loop only).</summary>
    private readonly Dictionary<long, DateTimeOffset> _launched = [];

    public KrustPmMetrics(ProcessEngine engine, ResourceSampler resources, TimeProvider time)
    {
        _engine = engine;
        _resources = resources;
        _time = time;
        _events = _meter.CreateCounter<long>("krust_pm.events", description: "Events of the engine, by type (as GET /api/v1/events names them).");
        _commands = _meter.CreateCounter<long>("krust_pm.commands", description: "Commands accepted, by command.");
        _spawn = _meter.CreateHistogram<double>(
            "krust_pm.spawn.duration",
            unit: "s",
            description: "From a try's launch to its process existing.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _meter.CreateObservableGauge("krust_pm.instance.up", Up, description: "1 while the instance's process runs (status Running), else 0.");
        _meter.CreateObservableGauge("krust_pm.instance.status", Status, description: "1, with the instance's status as the label status.");
        _meter.CreateObservableCounter("krust_pm.instance.restarts", Restarts, description: "How many times the instance was started again (its currentTry - 1).");
        _meter.CreateObservableCounter("krust_pm.instance.cpu", Cpu, unit: "s", description: "CPU time of the instance's processes in its current run.");
        _meter.CreateObservableGauge("krust_pm.instance.memory.resident", Memory, unit: "By", description: "Resident memory of the instance's processes.");
        _meter.CreateObservableGauge("krust_pm.instance.uptime", Uptime, unit: "s", description: "How long the instance's current run has been up.");
        _meter.CreateObservableGauge("krust_pm.instance.ready", Ready, description: "1 when the run is ready, 0 when not (programs with a readiness probe or ready_log_line).");
        _meter.CreateObservableGauge("krust_pm.program.instances.desired", Desired, description: "The instances a program should have.");
        _meter.CreateObservableGauge("krust_pm.program.instances.running", Running, description: "The instances of a program whose process runs.");
        _meter.CreateObservableGauge("krust_pm.commands.queued", () => _engine.QueuedCommands, description: "Commands waiting for the engine.");
        engine.Applied += OnApplied;
    }

    public void Dispose()
    {
        _engine.Applied -= OnApplied;
        _meter.Dispose();
    }

    /// <summary>Counts the events and commands of an applied message, and times spawns (on the engine loop).</summary>
    private void OnApplied(AppliedMessage applied)
    {
        for (var index = 0; index < applied.Events.Length; index++)
        {
            var @event = applied.Events[index];
            switch (@event)
            {
                case EngineEvent.InstanceLaunched e:
                    _launched[e.RunId] = e.At;
                    break;
                case EngineEvent.InstanceStarted e when _launched.Remove(e.RunId, out var launched):
                    _spawn.Record(Math.Max(0, (e.At - launched).TotalSeconds));
                    break;
                case EngineEvent.InstanceExited e:
                    _launched.Remove(e.RunId);
                    break;
                case EngineEvent.CommandAccepted e:
                    _commands.Add(1, new KeyValuePair<string, object?>("command", e.Command.Split(' ')[0]));
                    break;
            }

            if (Events.ApiEvents.From(@event, applied.IdOf(index)) is { } entry)
            {
                _events.Add(1, new KeyValuePair<string, object?>("type", entry.Type));
            }
        }
    }

    private IEnumerable<Measurement<int>> Up() =>
        Each<int>((_, instance, tags) => new Measurement<int>(instance.Status is InstanceStatus.Running ? 1 : 0, tags));

    private IEnumerable<Measurement<int>> Status() =>
        Each<int>((_, instance, tags) => new Measurement<int>(1, [.. tags, new("status", instance.Status.ToString())]));

    private IEnumerable<Measurement<long>> Restarts() =>
        Each<long>((_, instance, tags) => new Measurement<long>(instance.CurrentTry - 1, tags));

    private IEnumerable<Measurement<double>> Cpu() =>
        Sampled((sample, tags) => new Measurement<double>(sample.CpuSeconds, tags));

    private IEnumerable<Measurement<long>> Memory() =>
        Sampled((sample, tags) => new Measurement<long>(sample.MemoryBytes, tags));

    private IEnumerable<Measurement<double>> Uptime()
    {
        var now = _time.GetUtcNow();
        return Each<double>((_, instance, tags) => instance is { Status: InstanceStatus.Running, StartedAt: { } started }
            ? new Measurement<double>(Math.Max(0, (now - started).TotalSeconds), tags)
            : (Measurement<double>?)null);
    }

    private IEnumerable<Measurement<int>> Ready() =>
        Each<int>((_, instance, tags) => instance is { IsLive: true, Ready: { } ready } ? new Measurement<int>(ready ? 1 : 0, tags) : (Measurement<int>?)null);

    private IEnumerable<Measurement<int>> Desired() =>
        _engine.State.Programs.Select(p => new Measurement<int>(p.Spec.Instances, new KeyValuePair<string, object?>("program", p.Name)));

    private IEnumerable<Measurement<int>> Running() =>
        _engine.State.Programs.Select(p => new Measurement<int>(
            p.Instances.Count(i => i.Status is InstanceStatus.Running), new KeyValuePair<string, object?>("program", p.Name)));

    /// <summary>One measurement (or none) per instance, with its <c>program</c> and <c>instance</c> labels.</summary>
    private IEnumerable<Measurement<T>> Each<T>(Func<ProgramState, InstanceState, KeyValuePair<string, object?>[], Measurement<T>?> measure)
        where T : struct
    {
        foreach (var program in _engine.State.Programs)
        {
            foreach (var instance in program.Instances)
            {
                if (measure(program, instance, Labels(program.Name, instance.Id)) is { } measurement)
                {
                    yield return measurement;
                }
            }
        }
    }

    /// <summary>One measurement per running instance that has a resource sample.</summary>
    private IEnumerable<Measurement<T>> Sampled<T>(Func<InstanceResources, KeyValuePair<string, object?>[], Measurement<T>> measure)
        where T : struct
    {
        foreach (var program in _engine.State.Programs)
        {
            foreach (var instance in program.Instances)
            {
                if (_resources.Of(program.Name, instance) is { } sample)
                {
                    yield return measure(sample, Labels(program.Name, instance.Id));
                }
            }
        }
    }

    private static KeyValuePair<string, object?>[] Labels(string program, long instance) =>
        [new("program", program), new("instance", instance.ToString(CultureInfo.InvariantCulture))];
}
