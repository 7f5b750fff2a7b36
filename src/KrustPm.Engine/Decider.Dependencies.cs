using KrustPm.Engine.Health;

namespace KrustPm.Engine;

/// <summary>
/// Dependencies: the gate every launch goes through, and the pass that, after every message, launches the waiting
/// instances whose dependencies are now met (or blocks those whose dependencies can no longer be met).
/// </summary>
public static partial class Decider
{
    /// <summary>Whatever every message leads to once it is applied.</summary>
    private static void AfterEveryMessage(Transition t, Message message)
    {
        if (!t.State.ShuttingDown)
        {
            // Rolling restarts move on first: one that stops its next instance changes its dependents' gates, which
            // are judged after it, so that no dependent is launched on a condition the same message then breaks. What
            // the gates launched is then seen by the rolling restarts (a new run is never ready at once, so this
            // second pass only records it).
            ProgressRollingRestarts(t, message);
            ReleaseWaiting(t);
            ProgressRollingRestarts(t, message);

            StopRemovedPrograms(t);
            ArmSchedules(t, message);
        }
        else if (message is Message.Exited or Message.StartFailed or Message.StartDeferred)
        {
            StopReleasedPrograms(t);
        }

        ReviewShortage(t, message);
    }

    /// <summary>
    /// Re-evaluates every waiting and blocked instance: launched when its dependencies are met, else waiting or
    /// blocked with what it waits for. Dependencies first, so a change travels down a chain in one pass. Costs one
    /// look at each program, and one at each instance of the programs that have dependencies.
    /// </summary>
    private static void ReleaseWaiting(Transition t)
    {
        List<int>? gated = null;
        var programs = t.State.Programs;
        for (var index = 0; index < programs.Length; index++)
        {
            if (programs[index].Spec.DependsOn.Count > 0 && programs[index].Instances.Any(IsGated))
            {
                (gated ??= []).Add(index);
            }
        }

        if (gated is null)
        {
            return;
        }

        foreach (var index in DependenciesFirst(t, gated))
        {
            Regate(t, index);
        }
    }

    private static void Regate(Transition t, int index)
    {
        var program = t.Program(index);
        var gate = t.Gate(program.Spec);
        foreach (var instance in program.Instances)
        {
            if (!IsGated(instance))
            {
                continue;
            }

            // The instance already counts the try it waits to make (as one in backoff does).
            if (gate.Verdict is GateVerdict.Open)
            {
                t.LaunchNow(program.Spec, instance, instance.CurrentTry);
            }
            else
            {
                Hold(t, program.Spec, instance, instance.CurrentTry, gate, fresh: false);
            }
        }
    }

    /// <summary>The given programs, each after every program it depends on (directly or not).</summary>
    private static List<int> DependenciesFirst(Transition t, List<int> programs)
    {
        var order = new List<int>(programs.Count);
        var wanted = new HashSet<int>(programs);
        var visited = new bool[t.State.Programs.Length];

        void Visit(int index)
        {
            if (visited[index])
            {
                return;
            }

            visited[index] = true;
            foreach (var name in t.Program(index).Spec.DependsOn.Keys)
            {
                if (t.IndexOf(name) is var dependency and >= 0)
                {
                    Visit(dependency);
                }
            }

            if (wanted.Contains(index))
            {
                order.Add(index);
            }
        }

        foreach (var index in programs)
        {
            Visit(index);
        }

        return order;
    }

    /// <summary>
    /// An instance that may not launch now: it waits, with the try it will make, what it waits for and (when
    /// blocked) why. Nothing happens when nothing would change, so an idle pass changes no state.
    /// </summary>
    private static void Hold(Transition t, ProgramSpec spec, InstanceState instance, int attempt, Gate gate, bool fresh)
    {
        EngineEvent.InstanceEvent held = gate.Verdict is GateVerdict.Blocked
            ? new EngineEvent.InstanceBlocked(spec.Name, instance.Id, attempt, gate.WaitingFor, gate.Reason!, fresh, t.At)
            : new EngineEvent.InstanceWaiting(spec.Name, instance.Id, attempt, gate.WaitingFor, fresh, t.At);
        if (EvolveInstance(spec, instance, held) != instance)
        {
            t.Emit(held);
        }
    }

    private static bool IsGated(InstanceState instance) => instance.Status is InstanceStatus.Waiting or InstanceStatus.Blocked;

    /// <summary>The condition as the configuration spells it.</summary>
    private static string ConditionName(DependencyCondition condition) => condition switch
    {
        DependencyCondition.Started => "started",
        DependencyCondition.Healthy => "healthy",
        DependencyCondition.HealthyAll => "healthy_all",
        DependencyCondition.CompletedSuccessfully => "completed_successfully",
        DependencyCondition.Completed => "completed",
        _ => condition.ToString(),
    };
}
