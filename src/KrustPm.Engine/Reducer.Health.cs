namespace KrustPm.Engine;

/// <summary>Probes and readiness: what the reducer does with probe timers, probe results and ready lines.</summary>
public static partial class Reducer
{
    // TODO(issue 9): schedule, run and apply readiness and liveness probes.
    private static void ProbeDue(Transition t, Message.ProbeDue message)
    {
        _ = t;
        _ = message;
    }

    private static void ProbeResult(Transition t, Message.ProbeResult message)
    {
        _ = t;
        _ = message;
    }

    private static void ReadyLineSeen(Transition t, Message.ReadyLineSeen message)
    {
        _ = t;
        _ = message;
    }
}
