namespace KrustPm.Engine;

/// <summary>How a <see cref="ProcessEngine"/> runs. Immutable: change it with <c>with</c>.</summary>
public sealed record EngineOptions
{
    /// <summary>The defaults: the system clock, shared jitter, the real probe runner, no journal, an empty state.</summary>
    public static EngineOptions Default { get; } = new();

    /// <summary>The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>The source of backoff jitter; a shared one when <see langword="null"/>.</summary>
    public Random? Random { get; init; }

    /// <summary>Runs readiness and liveness probes; <see cref="Health.ProbeRunner"/> when <see langword="null"/>.</summary>
    public Health.IProbeRunner? Probes { get; init; }

    /// <summary>Where every event is recorded, once per batch, before its effects; none when <see langword="null"/>.</summary>
    public Journal.IJournal? Journal { get; init; }

    /// <summary>
    /// The state to start from: one a journal kept (<see cref="KrustPm.Engine.Journal.JournalReader.Restore"/>), then
    /// given the configuration with <see cref="ProcessEngine.RestoreAsync"/>. <see cref="EngineState.Empty"/> when
    /// <see langword="null"/>.
    /// </summary>
    public EngineState? Start { get; init; }
}
