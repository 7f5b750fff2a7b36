using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>
/// How long a shutdown may take. Programs are stopped in reverse dependency order (a program only once every
/// program that depends on it has stopped), so the worst case is the longest dependency chain, each program on it
/// using its whole stop timeout one after the other; unrelated programs stop in parallel.
/// </summary>
internal static class ShutdownBudget
{
    /// <summary>Extra time the host gives the engine's shutdown beyond the longest chain of stop timeouts.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>How long the host waits for the engine's shutdown with these programs: <see cref="Of"/> plus <see cref="Margin"/>.</summary>
    public static TimeSpan HostTimeout(IReadOnlyList<ProgramSpec> programs) => Of(programs) + Margin;

    /// <summary>
    /// The same for the programs the engine supervises now (after a reload too, and with the programs a reload
    /// dropped that are still stopping).
    /// </summary>
    public static TimeSpan HostTimeout(EngineState state) => HostTimeout([.. state.Programs.Select(p => p.Spec)]);

    /// <param name="programs">The programs, with a dependency graph already checked to have no cycle.</param>
    /// <returns>The largest sum of <see cref="ProgramSpec.StopTimeout"/> along a dependency chain (zero without programs).</returns>
    public static TimeSpan Of(IReadOnlyList<ProgramSpec> programs)
    {
        var byName = new Dictionary<string, ProgramSpec>(StringComparer.Ordinal);
        foreach (var program in programs)
        {
            byName.TryAdd(program.Name, program);
        }

        var chains = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var longest = TimeSpan.Zero;
        foreach (var program in programs)
        {
            var chain = Chain(program, byName, chains, depth: 0);
            longest = chain > longest ? chain : longest;
        }

        return longest;
    }

    /// <summary>The program's stop timeout plus the longest chain of what it depends on (stopped after it).</summary>
    private static TimeSpan Chain(ProgramSpec program, Dictionary<string, ProgramSpec> byName, Dictionary<string, TimeSpan> chains, int depth)
    {
        if (chains.TryGetValue(program.Name, out var known))
        {
            return known;
        }

        var after = TimeSpan.Zero;
        if (depth < byName.Count) // a cycle (never in a checked config) cannot recurse forever
        {
            foreach (var dependency in program.DependsOn.Keys)
            {
                if (byName.TryGetValue(dependency, out var next) && !ReferenceEquals(next, program))
                {
                    var chain = Chain(next, byName, chains, depth + 1);
                    after = chain > after ? chain : after;
                }
            }
        }

        var total = program.StopTimeout + after;
        chains[program.Name] = total;
        return total;
    }
}
