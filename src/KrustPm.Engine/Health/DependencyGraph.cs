namespace KrustPm.Engine.Health;

/// <summary>One thing wrong with the programs' dependencies.</summary>
/// <param name="Program">The program whose <see cref="ProgramSpec.DependsOn"/> is wrong.</param>
/// <param name="Dependency">The dependency named there.</param>
/// <param name="Message">What is wrong, for the user.</param>
public sealed record DependencyProblem(string Program, string Dependency, string Message);

/// <summary>Checks the dependencies between programs before anything starts.</summary>
public static class DependencyGraph
{
    /// <summary>
    /// Finds every dependency on the program itself, on a program that does not exist, and every cycle (reported
    /// once, at the program where it was first closed, with the whole path).
    /// </summary>
    /// <param name="programs">All the programs that will run together.</param>
    /// <returns>The problems, in the programs' order; empty when the graph is sound.</returns>
    public static IReadOnlyList<DependencyProblem> Check(IReadOnlyList<ProgramSpec> programs)
    {
        var byName = new Dictionary<string, ProgramSpec>(StringComparer.Ordinal);
        foreach (var program in programs)
        {
            byName.TryAdd(program.Name, program);
        }

        var problems = new List<DependencyProblem>();
        foreach (var program in programs)
        {
            foreach (var dependency in program.DependsOn.Keys)
            {
                if (dependency == program.Name)
                {
                    problems.Add(new(program.Name, dependency, "a program cannot depend on itself"));
                }
                else if (!byName.ContainsKey(dependency))
                {
                    problems.Add(new(program.Name, dependency, $"no program is named '{dependency}'"));
                }
            }
        }

        FindCycles(programs, byName, problems);
        return problems;
    }

    /// <summary>Depth-first search; a back edge closes a cycle, reported with its path.</summary>
    private static void FindCycles(IReadOnlyList<ProgramSpec> programs, Dictionary<string, ProgramSpec> byName, List<DependencyProblem> problems)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path; true: done
        var path = new List<string>();

        void Visit(ProgramSpec program)
        {
            state[program.Name] = false;
            path.Add(program.Name);
            foreach (var dependency in program.DependsOn.Keys)
            {
                if (dependency == program.Name || !byName.TryGetValue(dependency, out var next))
                {
                    continue; // reported above
                }

                if (!state.TryGetValue(dependency, out var done))
                {
                    Visit(next);
                }
                else if (!done)
                {
                    var cycle = path.Skip(path.IndexOf(dependency)).Append(dependency);
                    problems.Add(new(program.Name, dependency, $"dependency cycle: {string.Join(" -> ", cycle)}"));
                }
            }

            path.RemoveAt(path.Count - 1);
            state[program.Name] = true;
        }

        foreach (var program in programs)
        {
            if (!state.ContainsKey(program.Name))
            {
                Visit(program);
            }
        }
    }
}
