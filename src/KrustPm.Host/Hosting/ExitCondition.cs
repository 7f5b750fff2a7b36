using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Carries out <c>exit_when</c>: after each message the engine applies, it asks the engine's <see cref="ExitRule"/>;
/// the first decision stops krust-pm (the normal, ordered shutdown, as SIGTERM would) and becomes its exit code.
/// </summary>
internal sealed partial class ExitCondition(ProcessEngine engine, KrustConfig config, IHostApplicationLifetime lifetime, ILogger<ExitCondition> logger)
{
    private ExitDecision? _decision;

    /// <summary>The decision that stopped krust-pm, or <see langword="null"/> when it was stopped otherwise (or not yet).</summary>
    public ExitDecision? Decision => Volatile.Read(ref _decision);

    /// <summary>The rule's name as the file writes it, for the log.</summary>
    private string Rule => ConfigDocumentReader.ExitRules.First(r => r.Rule == config.ExitWhen).Name;

    /// <summary>Follows the engine (with <c>exit_when = "never"</c> it does not need to).</summary>
    public void Follow()
    {
        if (config.ExitWhen != ExitWhen.Never)
        {
            engine.Applied += OnApplied;
        }
    }

    private void OnApplied(AppliedMessage applied)
    {
        if (Decision is not null || ExitRule.Decide(engine.State, config.ExitWhen) is not { } decision
            || Interlocked.CompareExchange(ref _decision, decision, null) is not null)
        {
            return;
        }

        LogDecided(Rule, decision.Reason, decision.ExitCode);

        // Not on the engine's loop: the shutdown it starts sends the engine messages and waits for their answers.
        _ = Task.Run(lifetime.StopApplication);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "exit_when = \"{Rule}\" holds: {Reason}; stopping krust-pm, then exiting with code {ExitCode}")]
    private partial void LogDecided(string rule, string reason, int exitCode);
}
