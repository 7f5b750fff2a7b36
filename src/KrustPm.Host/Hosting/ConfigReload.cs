using KrustPm.Engine;
using KrustPm.Host.Config;
using Microsoft.Extensions.Options;

namespace KrustPm.Host.Hosting;

/// <summary>
/// A live reload, one code path for every trigger (<c>POST /api/v1/reload</c> and <c>krust-pm reload</c>, SIGHUP,
/// <c>watch_config</c>): the file krust-pm started with is read again by the same loader as at start, and, when it
/// loads, its programs go to the engine (which plans and applies the change, <see cref="ProcessEngine.ReloadAsync"/>)
/// and its top-level keys are compared with the running ones: <c>watch_config</c> applies, the others are reported as
/// needing a restart of krust-pm and kept. A file that does not load changes nothing. One reload at a time.
/// </summary>
internal sealed partial class ConfigReload(
    ProcessEngine engine,
    KrustConfig started,
    ConfigSource source,
    IOptions<HostOptions> hostOptions,
    ILogger<ConfigReload> logger) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private volatile bool _loaded;

    /// <summary>The configuration krust-pm runs with: its top-level keys as started (but the live ones), the programs of the last reload.</summary>
    public KrustConfig Current { get; private set; } = started;

    /// <summary>Raised after a reload was applied, with the new <see cref="Current"/>.</summary>
    public event Action<KrustConfig>? Applied;

    /// <summary>Reads the file again and applies it (or, with <paramref name="dryRun"/>, only plans it).</summary>
    /// <param name="trigger">What asked for it, for the log: <c>SIGHUP received</c>, <c>POST /api/v1/reload</c>...</param>
    /// <param name="dryRun">Whether to only show the plan.</param>
    /// <param name="cancellationToken">Stops waiting for the previous reload (once sent, a reload applies anyway).</param>
    public async Task<ReloadOutcome> ReloadAsync(string trigger, bool dryRun, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await ReloadOnceAsync(trigger, dryRun);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The programs of the file krust-pm started with are supervised: a reload can apply from now on.</summary>
    public void ProgramsLoaded() => _loaded = true;

    public void Dispose() => _oneAtATime.Dispose();

    private async Task<ReloadOutcome> ReloadOnceAsync(string trigger, bool dryRun)
    {
        var path = Current.Path;
        if (!dryRun)
        {
            LogReloading(trigger, path);
        }

        var loaded = ConfigLoader.Load(path);
        if (loaded.Config is null)
        {
            if (!dryRun)
            {
                LogNotLoaded(path, loaded.Problems.Length, string.Join("; ", loaded.Problems));
            }

            return new ReloadOutcome(path, dryRun) { Problems = loaded.Problems };
        }

        var file = source.Adjust(loaded.Config);
        var outcome = new ReloadOutcome(path, dryRun) { TopLevel = TopLevelChanges.Between(Current, file), Warnings = loaded.Warnings };
        if (dryRun)
        {
            return outcome with { Plan = engine.PlanReload(file.Programs) };
        }

        if (!_loaded)
        {
            // Applied before the start-up's own load, a reload would be undone by it: the file is read then anyway.
            const string Starting = "krust-pm is still starting; it loads the file as it is now once it listens";
            LogRefused(path, Starting);
            return outcome with { Refusal = CommandResult.Rejected(RejectionKind.Conflict, Starting) };
        }

        // Not cancelled once sent: the engine applies it anyway, and the caller's answer must say what it did.
        var result = await engine.ReloadAsync(file.Programs, CancellationToken.None);
        if (!result.Accepted)
        {
            LogRefused(path, result.Reason ?? "refused");
            return outcome with { Refusal = result };
        }

        Current = TopLevelChanges.Apply(Current, file);
        hostOptions.Value.ShutdownTimeout = ShutdownBudget.HostTimeout(engine.State);
        if (outcome.TopLevel.Where(c => !c.Applied).Select(c => c.Key).ToList() is { Count: > 0 } kept)
        {
            LogNeedsRestart(string.Join(", ", kept), path);
        }

        foreach (var warning in loaded.Warnings)
        {
            LogWarning(warning.ToString());
        }

        Applied?.Invoke(Current);
        return outcome with { Plan = result.Plan };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Trigger}: reloading {File}")]
    private partial void LogReloading(string trigger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reload: {File} has {Count} problem(s), nothing was changed and the running configuration is kept: {Problems}")]
    private partial void LogNotLoaded(string file, int count, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reload of {File} refused, nothing was changed: {Reason}")]
    private partial void LogRefused(string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reload: {Keys} changed in {File} but are only read when krust-pm starts; the running values are kept until krust-pm is restarted")]
    private partial void LogNeedsRestart(string keys, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reload: {Warning}")]
    private partial void LogWarning(string warning);
}
