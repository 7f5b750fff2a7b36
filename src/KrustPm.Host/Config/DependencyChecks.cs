using KrustPm.Engine;
using KrustPm.Engine.Health;

namespace KrustPm.Host.Config;

/// <summary>
/// Checks the dependencies between programs once every program is read (<see cref="DependencyGraph.Check"/>: a
/// name that is no program, a program that depends on itself, cycles), reporting each at the program's
/// <c>depends_on</c> line.
/// </summary>
internal static class DependencyChecks
{
    /// <param name="declared">
    /// Every program of the configuration (the main file and the files it includes), valid or not, with the
    /// dependencies that could be read; each problem goes to the file its program is written in.
    /// </param>
    public static void Report(IReadOnlyList<DeclaredDependencies> declared)
    {
        if (declared.All(d => d.DependsOn.IsEmpty))
        {
            return;
        }

        // Programs with problems of their own take part too, so that naming one is not also "no program is named".
        var programs = declared.Select(d => new ProgramSpec(d.Program, string.Empty, []) { DependsOn = d.DependsOn }).ToList();
        var where = new Dictionary<string, DeclaredDependencies>(StringComparer.Ordinal);
        foreach (var program in declared)
        {
            where.TryAdd(program.Program, program);
        }

        var names = declared.Select(d => d.Program).ToList();
        foreach (var problem in DependencyGraph.Check(programs))
        {
            var hint = names.Contains(problem.Dependency, StringComparer.Ordinal) || problem.Dependency == problem.Program
                ? string.Empty
                : KeySuggester.Hint(problem.Dependency, names.Where(n => n != problem.Program));
            var program = where[problem.Program];
            program.Problems.AddKey(program.Line, problem.Program, "depends_on", problem.Message + hint);
        }
    }
}
