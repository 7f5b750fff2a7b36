using KrustPm.Engine;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KrustPm.Host.Api;

/// <summary>
/// Runs a program command on what its target names (<see cref="ProgramTargets"/>). One program answers exactly as
/// before; a group or <c>all</c> runs the same per-program command on each of its programs and answers per program
/// (<see cref="TargetCommandView"/>): 200 (202 when none was waited for) when every one succeeded, else a
/// problem with the status of the worst per-program answer and the per-program answers in <c>programs</c>.
/// </summary>
internal static class TargetCommands
{
    /// <param name="state">The snapshot the target is resolved against.</param>
    /// <param name="target">The program, <c>@group</c> or <c>all</c>.</param>
    /// <param name="action">start, stop, restart or signal.</param>
    /// <param name="perProgram">The command on one program, with the answer it gives alone.</param>
    /// <param name="oneAtATime">Run the programs in turn (a rolling restart), not all at once.</param>
    public static async Task<IResult> RunAsync(
        EngineState state, string target, string action, Func<string, Task<IResult>> perProgram, bool oneAtATime = false)
    {
        if (!ProgramTargets.IsMany(state, target))
        {
            return await perProgram(target);
        }

        if (ProgramTargets.Resolve(state, target, out var programs) is { } unknown)
        {
            return unknown;
        }

        IResult[] answers;
        if (oneAtATime)
        {
            answers = new IResult[programs.Count];
            for (var i = 0; i < programs.Count; i++)
            {
                answers[i] = await perProgram(programs[i].Name);
            }
        }
        else
        {
            answers = await Task.WhenAll(programs.Select(p => perProgram(p.Name)));
        }

        return Combine(target, action, programs.Select(p => p.Name).Zip(answers, Outcome).ToArray());
    }

    /// <summary>One program's answer as one entry of the combined answer.</summary>
    internal static ProgramOutcomeView Outcome(string program, IResult answer) => answer switch
    {
        JsonHttpResult<CommandView> { Value: { } done } => new ProgramOutcomeView(program, StatusCodes.Status200OK, done.Affected, null),
        Accepted<CommandView> { Value: { } accepted } => new ProgramOutcomeView(program, StatusCodes.Status202Accepted, accepted.Affected, null),
        ProblemHttpResult problem => new ProgramOutcomeView(
            program, problem.StatusCode, 0, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title),
        IStatusCodeHttpResult { StatusCode: { } status } => new ProgramOutcomeView(program, status, 0, null),
        _ => new ProgramOutcomeView(program, StatusCodes.Status200OK, 0, null),
    };

    private static IResult Combine(string target, string action, ProgramOutcomeView[] outcomes)
    {
        var view = new TargetCommandView(target, action, outcomes.Sum(o => o.Affected), outcomes);
        var failed = outcomes.Where(o => o.Status >= 300).ToArray();
        if (failed.Length == 0)
        {
            return outcomes.Length > 0 && outcomes.All(o => o.Status == StatusCodes.Status202Accepted)
                ? TypedResults.Json(view, ApiJson.Context.TargetCommandView, statusCode: StatusCodes.Status202Accepted)
                : TypedResults.Json(view, ApiJson.Context.TargetCommandView);
        }

        return TypedResults.Problem(
            detail: string.Join("; ", failed.Select(f => $"{f.Program}: {f.Detail}")),
            statusCode: failed.Max(f => f.Status),
            title: $"{action} of {target} failed for {failed.Length} of {outcomes.Length} program(s)",
            extensions: new Dictionary<string, object?> { ["target"] = target, ["action"] = action, ["programs"] = outcomes });
    }
}
