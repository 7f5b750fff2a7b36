using System.Collections.Immutable;
using KrustPm.Engine.Health;

namespace KrustPm.Engine;

/// <summary>
/// The gate: whether a program's dependencies meet their conditions now, judged from facts counted once per
/// dependency and kept for the rest of the reduction until that dependency changes.
/// </summary>
public static partial class Decider
{
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
                doneCleanly += status is InstanceStatus.Done && Clean(program.Spec, instance) ? 1 : 0;
                ended += status is InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded ? 1 : 0;
                if (status is InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded or InstanceStatus.Blocked)
                {
                    cannotRun++;
                    firstCannotRun ??= instance;
                }

                if (status is InstanceStatus.Failed or InstanceStatus.RetriesExceeded or InstanceStatus.Blocked
                    || (status is InstanceStatus.Done && !Clean(program.Spec, instance)))
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

        /// <summary>Done with one of its program's success exit codes.</summary>
        private static bool Clean(ProgramSpec spec, InstanceState instance) => instance.LastExitCode is { } code && spec.IsSuccessExit(code);

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
                return Decider.Gate.Open;
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
                ? Decider.Gate.Open
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
