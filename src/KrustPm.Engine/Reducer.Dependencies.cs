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
        }
        else if (message is Message.Exited or Message.StartFailed)
        {
            StopReleasedPrograms(t, message.At);
        }
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

    private enum GateVerdict
    {
        Open,
        Waiting,
        Blocked,
    }

    /// <summary>What a program's dependencies allow now.</summary>
    /// <param name="Verdict">Launch, wait, or blocked.</param>
    /// <param name="WaitingFor">The dependencies not met, as <c>name (condition)</c>.</param>
    /// <param name="Reason">When blocked: which dependencies can no longer be met, and why.</param>
    private sealed record Gate(GateVerdict Verdict, ImmutableArray<string> WaitingFor, string? Reason)
    {
        public static Gate Open { get; } = new(GateVerdict.Open, [], null);
    }

    /// <summary>
    /// What the conditions on a dependency need to know about its instances, counted once. Retiring instances no
    /// longer count as instances of the program.
    /// </summary>
    private sealed record DependencyFacts(string Program)
    {
        public int Count { get; private init; }

        public int Running { get; private init; }

        /// <summary>Running and ready (or running without any readiness check).</summary>
        public int Ready { get; private init; }

        public int DoneCleanly { get; private init; }

        /// <summary>Done, failed or out of retries.</summary>
        public int Ended { get; private init; }

        /// <summary>Will not run again on its own: ended, or blocked by its own dependencies.</summary>
        public int CannotRun { get; private init; }

        public InstanceState? FirstCannotRun { get; private init; }

        /// <summary>Will not complete successfully on its own: failed, out of retries, blocked, or done with a failure.</summary>
        public int Broken { get; private init; }

        public InstanceState? FirstBroken { get; private init; }

        public static DependencyFacts Of(ProgramState program)
        {
            var (running, ready, doneCleanly, ended, cannotRun, broken) = (0, 0, 0, 0, 0, 0);
            InstanceState? firstCannotRun = null, firstBroken = null;
            foreach (var instance in program.Instances)
            {
                var status = instance.Status;
                running += status is InstanceStatus.Running ? 1 : 0;
                ready += status is InstanceStatus.Running && instance.Ready is not false ? 1 : 0;
                doneCleanly += status is InstanceStatus.Done && instance.LastExitCode == 0 ? 1 : 0;
                ended += status is InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded ? 1 : 0;
                if (status is InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded or InstanceStatus.Blocked)
                {
                    cannotRun++;
                    firstCannotRun ??= instance;
                }

                if (status is InstanceStatus.Failed or InstanceStatus.RetriesExceeded or InstanceStatus.Blocked
                    || (status is InstanceStatus.Done && instance.LastExitCode != 0))
                {
                    broken++;
                    firstBroken ??= instance;
                }
            }

            return new DependencyFacts(program.Name)
            {
                Count = program.Instances.Length,
                Running = running,
                Ready = ready,
                DoneCleanly = doneCleanly,
                Ended = ended,
                CannotRun = cannotRun,
                FirstCannotRun = firstCannotRun,
                Broken = broken,
                FirstBroken = firstBroken,
            };
        }

        /// <summary>Whether the condition is met now, and if not, why it can never be met without a command (or null).</summary>
        public (bool Met, string? Impossible) Judge(DependencyCondition condition) => condition switch
        {
            DependencyCondition.Started => (Count > 0 && Running == Count, CannotRun > 0 ? Describe(FirstCannotRun) : null),
            DependencyCondition.Healthy => (Ready > 0, Count > 0 && CannotRun == Count ? Describe(FirstCannotRun) : null),
            DependencyCondition.HealthyAll => (Count > 0 && Ready == Count, CannotRun > 0 ? Describe(FirstCannotRun) : null),
            DependencyCondition.CompletedSuccessfully => (Count > 0 && DoneCleanly == Count, Broken > 0 ? Describe(FirstBroken) : null),
            DependencyCondition.Completed => (Count > 0 && Ended == Count, null),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "Unknown dependency condition."),
        };

        private string? Describe(InstanceState? instance) => instance switch
        {
            null => null,
            { Status: InstanceStatus.Done, LastExitCode: not 0 } => $"{Program}.{instance.Id} Done with exit code {instance.LastExitCode}",
            _ => $"{Program}.{instance.Id} {instance.Status}",
        };
    }

    private sealed partial class Transition
    {
        private Dictionary<string, int>? _indexes;
        private Dictionary<int, DependencyFacts>? _facts;

        /// <summary>A program's position by name, through a table built once per reduction (when first needed).</summary>
        public int IndexOf(string name)
        {
            if (_indexes is null)
            {
                _indexes = new Dictionary<string, int>(State.Programs.Length, StringComparer.Ordinal);
                for (var index = 0; index < State.Programs.Length; index++)
                {
                    _indexes.TryAdd(State.Programs[index].Name, index);
                }
            }

            return _indexes.TryGetValue(name, out var found) ? found : -1;
        }

        /// <summary>
        /// Whether <paramref name="spec"/>'s dependencies are met now. Each dependency's facts are counted once and
        /// kept until that program changes, so launching many instances costs one look at each dependency.
        /// </summary>
        public Gate Gate(ProgramSpec spec)
        {
            if (spec.DependsOn.Count == 0)
            {
                return Reducer.Gate.Open;
            }

            ImmutableArray<string>.Builder? unmet = null;
            List<string>? reasons = null;
            foreach (var (name, condition) in spec.DependsOn)
            {
                // An unknown name never passes Load; a program later in the same Load is not added yet.
                var index = IndexOf(name);
                var (met, impossible) = index < 0 ? (false, null) : Facts(index).Judge(condition);
                if (met)
                {
                    continue;
                }

                var what = $"{name} ({ConditionName(condition)})";
                (unmet ??= ImmutableArray.CreateBuilder<string>()).Add(what);
                if (impossible is not null)
                {
                    (reasons ??= []).Add($"dependency '{name}' ({ConditionName(condition)}) can no longer be met: {impossible}");
                }
            }

            return unmet is null
                ? Reducer.Gate.Open
                : new Gate(reasons is null ? GateVerdict.Waiting : GateVerdict.Blocked, unmet.ToImmutable(), reasons is null ? null : string.Join("; ", reasons));
        }

        private DependencyFacts Facts(int index)
        {
            _facts ??= [];
            if (!_facts.TryGetValue(index, out var facts))
            {
                facts = DependencyFacts.Of(Program(index));
                _facts[index] = facts;
            }

            return facts;
        }

        private void ForgetFacts(int index) => _facts?.Remove(index);

        private void ForgetIndexes() => _indexes = null;
    }
}
