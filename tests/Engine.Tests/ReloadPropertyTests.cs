using Bogus;
using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Random pairs of configurations (fixed seeds): reloading from A to B, once every stop and start has happened, ends
/// with the programs, settings and instance counts that loading B from scratch gives, and every program whose settings
/// did not change keeps its runs (the same processes). A failure names the seed.
/// </summary>
public sealed class ReloadPropertyTests
{
    private const int FirstSeed = 20_261_204;
    private const int Pairs = 400;
    private static readonly string[] Names = ["api", "db", "web", "worker", "cron", "mail"];

    [Fact]
    public void Reloading_a_to_b_ends_as_loading_b_and_unchanged_programs_keep_their_runs()
    {
        var (kept, restarted, added, removed) = (0, 0, 0, 0);
        for (var seed = FirstSeed; seed < FirstSeed + Pairs; seed++)
        {
            var faker = new Faker { Random = new Randomizer(seed) };
            var a = Configuration(faker, Names.Where(_ => faker.Random.Bool(0.6f)).ToList());
            var b = Mutate(faker, a);

            var before = Settle(Decider.Reduce(EngineState.Empty, Load([.. a])).State);
            var reload = Decider.Decide(before, new Message.Reload([.. b], 2, At(5_000)));
            var answer = reload.Effects.OfType<Effect.Reply>().Last().Result;
            Assert.True(answer.Accepted, $"seed {seed}: {answer.Reason}");
            var reloaded = Settle(reload.State);
            var fresh = Settle(Decider.Reduce(EngineState.Empty, Load([.. b])).State);

            var context = $"seed {seed}: {string.Join(", ", answer.Plan!.Programs.Select(p => $"{p.Program} {p.Action} [{string.Join(' ', p.Changed)}]"))}";
            Assert.True(fresh.Programs.Select(p => p.Name).SequenceEqual(reloaded.Programs.Select(p => p.Name)), context);
            foreach (var program in fresh.Programs)
            {
                var now = reloaded.Find(program.Name)!;
                Assert.True(ProgramSpecs.SameSettings(program.Spec, now.Spec), $"{context}: {program.Name}'s settings");
                Assert.True(program.Instances.Length == now.Instances.Length, $"{context}: {program.Name} has {now.Instances.Length} instances, not {program.Instances.Length}");
                Assert.True(now.Instances.All(i => i.Status == program.Instances[0].Status), $"{context}: {program.Name}'s instances are not all {program.Instances[0].Status}");

                var old = before.Find(program.Name);
                if (old is not null && ProgramSpecs.SameSettings(old.Spec, now.Spec))
                {
                    Assert.True(old.Instances.Select(i => i.RunId).SequenceEqual(now.Instances.Select(i => i.RunId)), $"{context}: {program.Name} did not change but its runs did");
                    kept++;
                }
            }

            restarted += answer.Plan.Programs.Count(p => p.Action == ReloadAction.Restarted);
            added += answer.Plan.Programs.Count(p => p.Action == ReloadAction.Added);
            removed += answer.Plan.Programs.Count(p => p.Action == ReloadAction.Removed);
        }

        // The pairs must reach every kind of change, or the property proves little.
        Assert.True(kept > 200 && restarted > 100 && added > 100 && removed > 100, $"kept {kept}, restarted {restarted}, added {added}, removed {removed}");
    }

    /// <summary>Programs with random settings; some depend on programs listed before them (so there is never a cycle).</summary>
    private static List<ProgramSpec> Configuration(Faker faker, List<string> names)
    {
        var specs = new List<ProgramSpec>();
        foreach (var name in names)
        {
            var spec = Spec(name, instances: faker.Random.Int(1, 3), maxRetries: faker.Random.Int(0, 4), restartDelayMs: faker.Random.Int(0, 300), maxInstances: 6);
            if (specs.Count > 0 && faker.Random.Bool(0.3f))
            {
                spec = spec.DependingOn((faker.PickRandom(specs).Name, DependencyCondition.Started));
            }

            specs.Add(spec);
        }

        return specs;
    }

    /// <summary>B from A: programs dropped, added, changed in place or in launch-relevant settings, or left alone.</summary>
    private static List<ProgramSpec> Mutate(Faker faker, List<ProgramSpec> a)
    {
        var b = new List<ProgramSpec>();
        foreach (var spec in a)
        {
            switch (faker.Random.Int(0, 5))
            {
                case 0:
                    continue; // dropped
                case 1:
                    b.Add(spec with { Argv = [.. spec.Argv, "--v2"] });
                    break;
                case 2:
                    b.Add(spec with { MaxRetries = spec.MaxRetries + 1, Instances = faker.Random.Int(1, 4) });
                    break;
                case 3:
                    b.Add(spec with { Environment = spec.Environment.SetItem("MODE", faker.Random.Word()) });
                    break;
                default:
                    b.Add(spec);
                    break;
            }
        }

        // Dependencies on a dropped program go with it; new programs come at the end.
        var names = b.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        b = [.. b.Select(s => s.DependsOn.Keys.All(names.Contains) ? s : s with { DependsOn = s.DependsOn.Clear() })];
        b.AddRange(Configuration(faker, [.. Names.Where(n => !names.Contains(n) && faker.Random.Bool(0.4f))]).Select(s => s with { DependsOn = s.DependsOn.Clear() }));
        return b;
    }

    /// <summary>Every stopping run exits, every launched run starts, every rolling restart moves on, until nothing moves.</summary>
    private static EngineState Settle(EngineState state)
    {
        for (var round = 0; round < 50; round++)
        {
            var at = 10_000 + (round * 2_000);
            var message = state.Programs.SelectMany(p => p.Instances.Concat(p.Retiring)).Select(instance => instance switch
            {
                { Status: InstanceStatus.Stopping, RunId: { } run } => (Message)Exited(run, 143, at),
                { Status: InstanceStatus.Started, RunId: { } run } => Started(run, at),
                _ => null,
            }).FirstOrDefault(m => m is not null)
                ?? state.Programs.Where(p => p.Rolling is { Run: not null }).Select(p => (Message)UptimeReached(p.Rolling!.Run!.Value, at + 1_000)).FirstOrDefault();
            if (message is null)
            {
                return state;
            }

            state = Decider.Reduce(state, message).State;
        }

        throw new InvalidOperationException("The state never settled.");
    }
}
