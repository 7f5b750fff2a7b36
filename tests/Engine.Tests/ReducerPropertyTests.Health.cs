using System.Collections.Immutable;
using KrustPm.Engine.Health;

namespace KrustPm.Engine.Tests;

public partial class ReducerPropertyTests
{
    /// <summary>
    /// Dependencies and probes in the walk: programs that depend on earlier ones (sometimes on themselves or on no
    /// program, which Load must refuse), probes and ready lines, probe results and ready lines for live and ended runs;
    /// a model of the conditions, and the invariants the gate, the pass, the probes and the shutdown order must keep.
    /// </summary>
    private sealed partial class Walk
    {
        private static readonly DependencyCondition[] Conditions = Enum.GetValues<DependencyCondition>();

        // Every probe the engine asked for, answered or not: a result may come for any of them (stale, or twice).
        private readonly List<(long Run, ProbeKind Kind)> _probed = [];

        /// <summary>Dependencies on earlier programs, probes and a ready line, each sometimes.</summary>
        private ProgramSpec WithHealth(ProgramSpec spec, int index)
        {
            if (index > 0 && _random.Bool(0.6f))
            {
                var names = Enumerable.Range(0, index).Select(i => $"p{i}").ToList();
                var picked = _random.ListItems(names, _random.Number(1, Math.Min(2, names.Count)));
                if (_random.Bool(0.03f))
                {
                    picked = [.. picked, _random.Bool() ? spec.Name : "ghost"]; // Load must refuse it
                }

                spec = spec with
                {
                    DependsOn = picked.ToImmutableSortedDictionary(n => n, _ => _random.ArrayElement(Conditions), StringComparer.Ordinal),
                    RestartWith = _random.Bool(0.6f),
                };
            }

            return spec with
            {
                Readiness = _random.Bool(0.3f) ? NewProbe() : null,
                Liveness = _random.Bool(0.35f) ? NewProbe() with { FailureThreshold = _random.Number(1, 2) } : null,
                ReadyLogLine = _random.Bool(0.2f) ? "ready" : null,
            };
        }

        private ProbeSpec NewProbe() => new()
        {
            Exec = ["/bin/check"],
            Period = TimeSpan.FromMilliseconds(_random.Bool() ? 100 : 500),
            Timeout = TimeSpan.FromMilliseconds(50),
            FailureThreshold = _random.Number(1, 3),
            InitialDelay = TimeSpan.FromMilliseconds(_random.Bool() ? 0 : 50),
        };

        /// <summary>
        /// A probe timer not delivered yet (so probes run often enough to fail in a row), a probe result (mostly for a
        /// probe just asked for, sometimes for any, stale or answered) or a ready line.
        /// </summary>
        private Message NextHealthMessage()
        {
            // Sometimes a restart of a program that others depend on with restart_with: the command generator rarely
            // picks one that has live dependents.
            var restartedWith = _state.Programs.Where(p => _state.Programs.Any(d => d.Spec.RestartWith && d.Spec.DependsOn.ContainsKey(p.Name))).ToList();
            if (restartedWith.Count > 0 && _random.Bool(0.1f))
            {
                return new Message.RestartInstances(_random.ListItem(restartedWith).Name, null, _random.Bool(0.3f), _nextRequest++, _now);
            }

            var due = _scheduled.Where(m => m is Message.ProbeDue && !_delivered.Contains(m)).ToList();
            if (due.Count > 0 && _random.Bool(0.4f))
            {
                var timer = _random.ListItem(due);
                _now = timer.At > _now ? timer.At : _now;
                return timer;
            }

            if (_probed.Count > 0 && _random.Bool(0.75f))
            {
                var (run, kind) = _random.Bool(0.8f) ? _probed[^_random.Number(1, Math.Min(2, _probed.Count))] : _random.ListItem(_probed);
                var passed = _random.Bool(kind is ProbeKind.Liveness ? 0.4f : 0.6f);
                return new Message.ProbeResult(run, kind, new ProbeOutcome(passed, passed ? "exit code 0" : "exit code 1", _now), _now);
            }

            return new Message.ReadyLineSeen(PickRun(), "ready", _now);
        }

        private bool HasHealth() => _launched.Count > 0
            && _state.Programs.Any(p => p.Spec.Readiness is not null || p.Spec.Liveness is not null || p.Spec.ReadyLogLine is not null);

        /// <summary>Load refuses a program that depends on itself or on no program (the walk makes no cycles).</summary>
        private static bool SoundDependencies(EngineState before, ImmutableArray<ProgramSpec> programs)
        {
            var names = before.Programs.Select(p => p.Name).Concat(programs.Select(p => p.Name)).ToHashSet();
            return programs.All(p => p.DependsOn.Keys.All(d => d != p.Name && names.Contains(d)));
        }

        /// <summary>The conditions, as the spec states them: whether one is met now, and whether it can no longer be.</summary>
        private static (bool Met, bool Impossible) Model(ProgramState? dependency, DependencyCondition condition)
        {
            if (dependency is null)
            {
                return (false, false);
            }

            var all = dependency.Instances;
            static bool Running(InstanceState i) => i.Status is InstanceStatus.Running;
            static bool Ready(InstanceState i) => Running(i) && i.Ready is not false;
            static bool Ended(InstanceState i) => i.Status is InstanceStatus.Done or InstanceStatus.Failed or InstanceStatus.RetriesExceeded;
            static bool WillNotRun(InstanceState i) => Ended(i) || i.Status is InstanceStatus.Blocked;
            static bool Broken(InstanceState i) => i.Status is InstanceStatus.Failed or InstanceStatus.RetriesExceeded or InstanceStatus.Blocked
                || (i.Status is InstanceStatus.Done && i.LastExitCode != 0);
            var some = all.Length > 0;
            return condition switch
            {
                DependencyCondition.Started => (some && all.All(Running), all.Any(WillNotRun)),
                DependencyCondition.Healthy => (all.Any(Ready), some && all.All(WillNotRun)),
                DependencyCondition.HealthyAll => (some && all.All(Ready), all.Any(WillNotRun)),
                DependencyCondition.CompletedSuccessfully => (some && all.All(i => i.Status is InstanceStatus.Done && i.LastExitCode == 0), all.Any(Broken)),
                _ => (some && all.All(Ended), false),
            };
        }

        private static string Name(DependencyCondition condition) => condition switch
        {
            DependencyCondition.HealthyAll => "healthy_all",
            DependencyCondition.CompletedSuccessfully => "completed_successfully",
            _ => condition.ToString().ToLowerInvariant(),
        };

        /// <summary>The unmet dependencies of a program in a state, and whether one of them can no longer be met.</summary>
        private static (List<string> Unmet, bool Blocked) Gate(EngineState state, ProgramSpec spec)
        {
            var unmet = new List<string>();
            var blocked = false;
            foreach (var (name, condition) in spec.DependsOn)
            {
                var (met, impossible) = Model(state.Find(name), condition);
                if (!met)
                {
                    unmet.Add($"{name} ({Name(condition)})");
                    blocked |= impossible;
                }
            }

            return (unmet, blocked);
        }

        /// <summary>What must hold of an instance's dependency and probe state.</summary>
        private void CheckHealthInstance(ProgramState program, InstanceState instance)
        {
            var (spec, name, status) = (program.Spec, $"{program.Name}#{instance.Id}", instance.Status);
            var gated = status is InstanceStatus.Waiting or InstanceStatus.Blocked;
            Check(!gated || (!instance.IsLive && instance.NextTryAt is null && !instance.StopRequested && !instance.RestartRequested), $"{name}: {status} but live, due to retry, or being stopped");
            Check(!gated || (spec.DependsOn.Count > 0 && !_shutdown), $"{name}: {status} with {spec.DependsOn.Count} dependencies, shutdown {_shutdown}");
            Check(gated == !instance.WaitingFor.IsEmpty, $"{name}: {status} waiting for [{string.Join(", ", instance.WaitingFor)}]");
            Check(status is not InstanceStatus.Blocked || instance.LastError?.StartsWith("dependency '", StringComparison.Ordinal) == true, $"{name}: Blocked with error {instance.LastError}");
            Check(!gated || instance.ConsecutiveFailures < instance.CurrentTry, $"{name}: {status} at try {instance.CurrentTry} with {instance.ConsecutiveFailures} failures");

            var inFlight = instance.ProbesInFlight;
            Check(inFlight is ProbeKinds.None || status is InstanceStatus.Running, $"{name}: probes {inFlight} in flight while {status}");
            Check(!inFlight.HasFlag(ProbeKinds.Readiness) || spec.Readiness is not null, $"{name}: a readiness probe in flight without one");
            Check(!inFlight.HasFlag(ProbeKinds.Liveness) || spec.Liveness is not null, $"{name}: a liveness probe in flight without one");
            Check((instance.Ready is null) == (spec.Readiness is null && spec.ReadyLogLine is null), $"{name}: Ready {instance.Ready?.ToString() ?? "null"} with readiness {spec.Readiness is not null}, ready line {spec.ReadyLogLine is not null}");
            Check(instance.Ready is not true || status is InstanceStatus.Running or InstanceStatus.Stopping, $"{name}: ready while {status}");
            Check(instance.FailingBecause is null || (status is InstanceStatus.Stopping && instance.StopRequested && spec.Liveness is not null), $"{name}: failing because of its liveness probe while {status}");
            Check(spec.Liveness is null ? instance.LivenessFailures == 0 : instance.LivenessFailures <= spec.Liveness.FailureThreshold, $"{name}: {instance.LivenessFailures} liveness failures");
            Check(instance.LivenessFailures < (spec.Liveness?.FailureThreshold ?? 1) || instance.StopRequested || !instance.IsLive, $"{name}: {instance.LivenessFailures} liveness failures in a row and still live without being stopped");
        }

        /// <summary>
        /// After every message (but during the shutdown): no instance waits for what is met, each waits for exactly what
        /// is not, and is blocked exactly when one of those can no longer be met.
        /// </summary>
        private void CheckGates()
        {
            if (_state.ShuttingDown)
            {
                return;
            }

            foreach (var program in _state.Programs.Where(p => p.Spec.DependsOn.Count > 0))
            {
                var (unmet, blocked) = Gate(_state, program.Spec);
                foreach (var instance in program.Instances.Where(i => i.Status is InstanceStatus.Waiting or InstanceStatus.Blocked))
                {
                    var name = $"{program.Name}#{instance.Id}";
                    Check(unmet.Count > 0, $"{name}: {instance.Status} though every dependency is met");
                    Check(instance.WaitingFor.SequenceEqual(unmet), $"{name}: waiting for [{string.Join(", ", instance.WaitingFor)}], the model says [{string.Join(", ", unmet)}]");
                    Check((instance.Status is InstanceStatus.Blocked) == blocked, $"{name}: {instance.Status}, the model says blocked {blocked} ({instance.LastError})");
                }
            }
        }

        /// <summary>What the effects of a message must respect about dependencies, probes and the shutdown order.</summary>
        private void CheckHealthEffect(EngineState before, Message message, Effect effect)
        {
            switch (effect)
            {
                case Effect.Launch { Request: var r } when r.Program.DependsOn.Count > 0:
                    var (unmet, _) = Gate(_state, r.Program);
                    Check(unmet.Count == 0, $"launch of run {r.RunId} ({r.Program.Name}#{r.InstanceId}) while waiting for [{string.Join(", ", unmet)}]");
                    var was = Previous(before, r.Program.Name, r.InstanceId);
                    coverage.PassLaunches += was?.Status is InstanceStatus.Waiting or InstanceStatus.Blocked ? 1 : 0;
                    break;
                case Effect.RunProbe { Request: var p }:
                    var flag = p.Kind is ProbeKind.Readiness ? ProbeKinds.Readiness : ProbeKinds.Liveness;
                    var owner = RunOwner(_state, p.RunId);
                    var previous = RunOwner(before, p.RunId)?.Instance;
                    Check(message is Message.ProbeDue d && d.RunId == p.RunId && d.Kind == p.Kind, $"probe of run {p.RunId} on {StateView.Describe(message)}");
                    Check(owner is { Instance.Status: InstanceStatus.Running } o && o.Instance.ProbesInFlight.HasFlag(flag) && o.Program.Name == p.Program && o.Instance.Id == p.InstanceId, $"probe of run {p.RunId} not recorded in flight on its running instance");
                    Check(previous is not null && !previous.ProbesInFlight.HasFlag(flag), $"a second {p.Kind} probe of run {p.RunId} while one is in flight");
                    _probed.Add((p.RunId, p.Kind));
                    coverage.ProbesRun++;
                    break;
                case Effect.SendSignal s when (_shutdown || message is Message.Shutdown) && s.Signal != Signals.Kill:
                    var stopped = RunOwner(_state, s.RunId)!.Value.Program.Name;
                    var holding = _state.Programs.FirstOrDefault(p => p.Spec.DependsOn.ContainsKey(stopped)
                        && p.Instances.Concat(p.Retiring).Any(i => i.IsLive));
                    Check(holding is null, $"run {s.RunId} of {stopped} stopped at shutdown while {holding?.Name}, which depends on it, still runs");
                    break;
            }
        }

        /// <summary>Counts what the walk reached, for the coverage checks.</summary>
        private void CountHealth(EngineState before, Message message)
        {
            foreach (var program in _state.Programs)
            {
                foreach (var instance in program.Instances)
                {
                    var was = Previous(before, program.Name, instance.Id);
                    coverage.Waits += instance.Status is InstanceStatus.Waiting && was?.Status is not InstanceStatus.Waiting ? 1 : 0;
                    coverage.Blocks += instance.Status is InstanceStatus.Blocked && was?.Status is not InstanceStatus.Blocked ? 1 : 0;
                    coverage.Unblocks += was?.Status is InstanceStatus.Blocked && instance.Status is InstanceStatus.Waiting or InstanceStatus.Started ? 1 : 0;
                    coverage.ReadyTransitions += instance.Ready is true && was?.Ready is false ? 1 : 0;
                    coverage.LivenessStops += instance.FailingBecause is not null && was?.FailingBecause is null ? 1 : 0;
                    coverage.LivenessFailures += was is { FailingBecause: { } reason, RunId: { } run } && instance.LastError == reason
                        && message is Message.Exited e && e.RunId == run ? 1 : 0;
                    coverage.RestartsWith += instance.RestartRequested && was is { RestartRequested: false } && message is Message.RestartInstances r && r.Program != program.Name ? 1 : 0;
                }
            }

            if (message is Message.Shutdown)
            {
                coverage.HeldAtShutdown += _state.Programs.Sum(p => p.Instances.Count(i => i.IsLive && !i.StopRequested));
            }
        }
    }
}
