using System.Collections.Immutable;
using KrustPm.Engine.Health;

namespace KrustPm.Engine;

/// <summary>
/// Dependencies: the gate every launch goes through, and the pass that, after every message, launches the waiting
/// instances whose dependencies are now met (or blocks those whose dependencies can no longer be met).
/// </summary>
public static partial class Reducer
{
    /// <summary>Whatever every message leads to once it is applied.</summary>
    private static void AfterEveryMessage(Transition t, Message message)
    {
        if (!t.State.ShuttingDown)
        {
            ReleaseWaiting(t);

            // A rolling restart that moved on relaunched an instance, which can change its dependents' gates: they are
            // judged again, and what that launched is seen by the rolling restarts in the same message.
            if (ProgressRollingRestarts(t, message))
            {
                ReleaseWaiting(t);
                ProgressRollingRestarts(t, message);
            }
        }
        else if (message is Message.Exited or Message.StartFailed or Message.StartDeferred)
        {
            StopReleasedPrograms(t, message.At);
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
        ImmutableArray<InstanceState>.Builder? changed = null;
        for (var i = 0; i < program.Instances.Length; i++)
        {
            var instance = program.Instances[i];
            if (!IsGated(instance))
            {
                continue;
            }

            // The instance already counts the try it waits to make (as one in backoff does).
            var next = gate.Verdict is GateVerdict.Open
                ? t.LaunchNow(program.Spec, instance, instance.CurrentTry)
                : Hold(program.Spec, instance, instance.CurrentTry, gate);
            if (!ReferenceEquals(next, instance))
            {
                changed ??= program.Instances.ToBuilder();
                changed[i] = next;
            }
        }

        if (changed is not null)
        {
            t.SetProgram(index, program with { Instances = changed.ToImmutable() });
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
    /// blocked) why. Returns the same instance when nothing changed, so an idle pass changes no state.
    /// </summary>
    private static InstanceState Hold(ProgramSpec spec, InstanceState instance, int attempt, Gate gate)
    {
        var waitingFor = instance.WaitingFor.SequenceEqual(gate.WaitingFor) ? instance.WaitingFor : gate.WaitingFor;
        var held = instance with
        {
            Status = gate.Verdict is GateVerdict.Blocked ? InstanceStatus.Blocked : InstanceStatus.Waiting,
            CurrentTry = attempt,
            RunId = null,
            Pid = null,
            NextTryAt = null,
            StopRequested = false,
            RestartRequested = false,
            WaitingFor = waitingFor,

            // Blocked says why; a waiting instance that was blocked no longer is.
            LastError = gate.Reason ?? (instance.Status is InstanceStatus.Blocked ? null : instance.LastError),
            Ready = InitialReady(spec),
            ProbesInFlight = ProbeKinds.None,
            FailingBecause = null,
        };
        return held == instance ? instance : held;
    }

    private static bool IsGated(InstanceState instance) => instance.Status is InstanceStatus.Waiting or InstanceStatus.Blocked;

    /// <summary>What <see cref="InstanceState.Ready"/> is before a run has shown it is ready.</summary>
    private static bool? InitialReady(ProgramSpec spec) =>
        spec.Readiness is not null || spec.ReadyLogLine is not null ? false : null;

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
