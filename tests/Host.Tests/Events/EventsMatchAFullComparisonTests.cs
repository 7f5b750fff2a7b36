using Bogus;
using KrustPm.Engine;
using KrustPm.Host.Events;
using KrustPm.Host.Hosting;
using KrustPm.Host.Tests.Hosting;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Events;

/// <summary>
/// The event feed and the lifecycle log's stopping lines, which look only at what changed (<see cref="StateChanges"/>),
/// say exactly what a full comparison of every instance before and after says (the way they compared states before
/// they took shortcuts), on generated message sequences: scales up and down, deletions, stops, starts, restarts
/// (rolling too), exits, failed starts, timers and the shutdown.
/// </summary>
public sealed class EventsMatchAFullComparisonTests
{
    private const int Steps = 150;
    private static readonly int[] RestartDelaysMs = [0, 100];
    private static readonly int[] ExitCodes = [0, 1, 137, 143];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 60)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_message_yields_the_events_and_stopping_lines_of_a_full_comparison(int seed)
    {
        var random = new Randomizer(seed);
        var specs = Enumerable.Range(0, random.Number(1, 3))
            .Select(n => Spec($"p{n}", random.Number(0, 25)) with
            {
                MaxInstances = 40,
                RestartDelay = TimeSpan.FromMilliseconds(random.ArrayElement(RestartDelaysMs)),
                Restart = random.Enum<RestartPolicy>(),
            })
            .ToArray();
        var state = EngineState.Empty;
        var request = 1L;
        for (var step = 0; step < Steps; step++)
        {
            var message = step == 0 ? new Message.Load([.. specs], request++, At(0)) : Next(random, state, At(step), request++);
            var applied = Apply(state, message);
            var context = $"seed {seed}, step {step}: {message}";

            // The events of the message itself (loaded, scaled, command, stopping) come first; the comparison's follow.
            var compared = EventsFromTransitions.Derive(applied).SkipWhile(e => e.Type is not ("instance.status" or "instance.removed"));
            Assert.True(Full.InstanceEvents(applied).SequenceEqual(compared), $"{context}: the events differ from a full comparison");
            var log = new CapturingLogger();
            new EngineEventLog(log).OnApplied(applied);
            Assert.True(
                Full.StoppingLines(applied).SequenceEqual(log.Lines.Where(l => l.Contains(" stopping: ", StringComparison.Ordinal))),
                $"{context}: the stopping lines differ from a full comparison");
            state = applied.After;
        }
    }

    /// <summary>A message that makes sense for the state most of the time (and sometimes one that does not).</summary>
    private static Message Next(Randomizer random, EngineState state, DateTimeOffset at, long request)
    {
        var program = random.ArrayElement(state.Programs.ToArray());
        var all = AllOf(program);
        var instance = all.Length > 0 && random.Bool(0.9f) ? random.ArrayElement(all.ToArray()) : null;
        var id = instance?.Id ?? random.Number(0, 50);
        var run = instance?.RunId ?? random.Number(1, 2_000);
        return random.Number(0, 15) switch
        {
            0 or 1 => new Message.Started(run, Pid(run), at),
            2 or 3 or 4 => new Message.Exited(run, random.ArrayElement(ExitCodes), at),
            5 => new Message.StartFailed(run, "no such file", at),
            6 => new Message.Scale(program.Name, random.Number(0, 45), request, at),
            7 => new Message.StopInstances(program.Name, random.Bool() ? id : null, request, at),
            8 => new Message.StartInstances(program.Name, random.Bool() ? id : null, request, at),
            9 => new Message.RestartInstances(program.Name, random.Bool() ? id : null, random.Bool(), request, at),
            10 => new Message.RemoveInstance(program.Name, id, request, at),
            11 => new Message.SignalInstances(program.Name, random.Bool() ? id : null, Signals.Hangup, request, at),
            12 => new Message.RetryDue(program.Name, id, instance?.CurrentTry ?? 1, at),
            13 => new Message.StopTimeoutElapsed(run, at),
            14 => new Message.UptimeReached(run, at),
            _ => random.Bool(0.2f) ? new Message.Shutdown(request, at) : new Message.Scale(program.Name, all.Length + 1, request, at),
        };
    }

    /// <summary>The comparisons the feed and the log made before they looked only at what changed: every instance, by id.</summary>
    private static class Full
    {
        public static List<EngineEvent> InstanceEvents(AppliedMessage applied)
        {
            var events = new List<EngineEvent>();
            foreach (var after in applied.After.Programs)
            {
                var before = applied.Before.Find(after.Name);
                var previous = before is null ? [] : AllOf(before).GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First());
                var now = new HashSet<long>();
                foreach (var instance in AllOf(after))
                {
                    now.Add(instance.Id);
                    previous.TryGetValue(instance.Id, out var was);
                    if (was is null || was.Status != instance.Status || was.RunId != instance.RunId || was.Pid != instance.Pid)
                    {
                        events.Add(Status(after.Name, was, instance, applied.Message.At));
                    }
                }

                events.AddRange(previous.Values.Where(i => !now.Contains(i.Id)).Select(gone => new EngineEvent(0, applied.Message.At, "instance.removed")
                {
                    Program = after.Name, Instance = gone.Id, PreviousStatus = gone.Status.ToString(), ExitCode = gone.LastExitCode,
                }));
            }

            return events;
        }

        /// <summary>Every instance that any message made Stopping gets its line (a command, a rolling step, a liveness failure, the shutdown).</summary>
        public static IEnumerable<string> StoppingLines(AppliedMessage applied)
        {
            foreach (var program in applied.After.Programs)
            {
                var before = applied.Before.Find(program.Name);
                foreach (var instance in AllOf(program))
                {
                    var was = before is null ? null : AllOf(before).FirstOrDefault(i => i.Id == instance.Id);
                    if (instance.Status == InstanceStatus.Stopping && was?.Status != InstanceStatus.Stopping)
                    {
                        yield return $"{program.Name}.{instance.Id} stopping: SIG{Signals.NameOf(program.Spec.StopSignal)} to its process group, "
                            + $"SIGKILL after {(long)program.Spec.StopTimeout.TotalMilliseconds} ms";
                    }
                }
            }
        }

        private static EngineEvent Status(string program, InstanceState? was, InstanceState instance, DateTimeOffset at)
        {
            var ended = was is { IsLive: true } && !instance.IsLive || was?.RunId is { } run && instance.RunId != run;
            return new EngineEvent(0, at, "instance.status")
            {
                Program = program,
                Instance = instance.Id,
                Status = instance.Status.ToString(),
                PreviousStatus = was?.Status.ToString(),
                Try = instance.CurrentTry,
                Pid = instance.Pid,
                ExitCode = ended ? instance.LastExitCode : null,
                Reason = ended ? instance.LastError : null,
                NextTryAt = instance.NextTryAt,
            };
        }
    }
}
