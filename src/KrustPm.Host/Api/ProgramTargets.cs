using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// What a program command names: one program (<c>web</c>), the programs of a group (<c>@web</c>: every program whose
/// <c>groups</c> lists <c>web</c>), or every program (<c>all</c>). The one place this rule lives: the API resolves a
/// target against the engine's snapshot, and the command line sends the target as it was typed.
/// </summary>
internal static class ProgramTargets
{
    /// <summary>The word that names every program.</summary>
    public const string All = "all";

    /// <summary>The prefix of a group's name.</summary>
    public const char GroupPrefix = '@';

    /// <summary>
    /// Whether <paramref name="target"/> names several programs (a group or <c>all</c>) rather than one. A program
    /// whose name is exactly <c>all</c> keeps its name: the target is then that program.
    /// </summary>
    public static bool IsMany(EngineState state, string target) =>
        (target.Length > 1 && target[0] == GroupPrefix) || (target == All && state.Find(All) is null);

    /// <summary>
    /// The programs <paramref name="target"/> names, in configuration order, or a 404 naming the unknown program or
    /// group (with the groups that exist).
    /// </summary>
    public static IResult? Resolve(EngineState state, string target, out IReadOnlyList<ProgramState> programs)
    {
        programs = [];
        if (!IsMany(state, target))
        {
            if (RequestChecks.Program(state, target, out var program) is { } problem)
            {
                return problem;
            }

            programs = [program];
            return null;
        }

        if (target == All)
        {
            programs = state.Programs;
            return null;
        }

        var group = target[1..];
        programs = state.Programs.Where(p => p.Spec.Groups.Contains(group, StringComparer.Ordinal)).ToArray();
        if (programs.Count > 0)
        {
            return null;
        }

        var known = state.Programs.SelectMany(p => p.Spec.Groups).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return Problems.NotFound(
            "group",
            $"There is no group named '{group}': no program has it in its groups."
                + (known.Length > 0 ? $" Groups: {string.Join(", ", known.Select(g => GroupPrefix + g))}." : " No program has groups."));
    }
}
