using KrustPm.Engine;
using KrustPm.Host.Events;
using KrustPm.Host.Hosting.OwnLog;

namespace KrustPm.Host.Hosting;

/// <summary>The end of a run, at the level supervisord gives it, with its numbers as fields of their own.</summary>
internal sealed partial class EngineEventLog
{
    private static readonly EventId Exited = new(1, "instance.exited");

    /// <summary>
    /// An exit krust-pm asked for, or a clean one, is information; an unexpected exit (a failure that is retried, or
    /// ends the instance under <c>restart = "never"</c>) is a warning; a launch that failed, and the last failure before
    /// krust-pm gives up (RetriesExceeded), are errors: the ones a person must act on.
    /// </summary>
    internal static LogLevel LevelOf(EngineEvent.InstanceExited e) => e.Outcome switch
    {
        ExitOutcome.RetriesExceeded => LogLevel.Error,
        _ when e.ExitCode is null => LogLevel.Error,
        ExitOutcome.Retrying or ExitOutcome.Failed => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    private void LogExit(EngineEvent.InstanceExited e)
    {
        var level = LevelOf(e);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var outcome = Lifecycle.OutcomeText(e);
        var fields = new List<KeyValuePair<string, object?>>(9)
        {
            new("program", e.Program),
            new("instance", e.Instance),
            new("try", e.Try),
        };
        string message;
        if (e.ExitCode is { } code)
        {
            // The launcher's cause, when it knows one beyond the code: the kernel's OOM killer at memory_max.
            message = $"{e.Program}.{e.Instance} {Lifecycle.Exit(code)}{(e.Error is { } cause ? $" ({cause})" : string.Empty)}; {outcome}";
            if (e.Error is { } error)
            {
                fields.Add(new("error", error));
            }

            if (code is > 128 and < 160)
            {
                fields.Add(new("signal", "SIG" + Signals.NameOf(code - 128)));
            }

            fields.Add(new("exitCode", code));
        }
        else
        {
            var reason = e.Error ?? "unknown reason";
            message = $"{e.Program}.{e.Instance} could not start: {reason}; {outcome}";
            fields.Add(new("error", reason));
        }

        fields.Add(new("outcome", Lifecycle.OutcomeName(e)));
        fields.Add(new("failures", e.Failures));
        if (e.Outcome == ExitOutcome.Retrying && e.NextTryAt is { } due)
        {
            fields.Add(new("delayMs", (long)(due - e.At).TotalMilliseconds));
        }

        logger.Log(level, Exited, new LogFields(message, fields), null, LogFields.Format);
    }
}
