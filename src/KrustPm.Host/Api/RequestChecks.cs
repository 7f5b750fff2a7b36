using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using KrustPm.Engine;

namespace KrustPm.Host.Api;

/// <summary>
/// Checks a request's program, instance and body before any command enters the engine, each with an answer
/// (problem+json) that names what is wrong.
/// </summary>
internal static class RequestChecks
{
    public static IResult? Program(EngineState state, string name, out ProgramState program)
    {
        program = state.Find(name)!;
        return program is null ? Problems.NotFound("name", $"There is no program named '{name}'.") : null;
    }

    public static IResult? Instance(ProgramState program, string idText, out long id)
    {
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out id))
        {
            return Problems.BadRoute("id", $"'{idText}' is not an instance id.");
        }

        var wanted = id;
        return program.Instances.Any(i => i.Id == wanted)
            ? null
            : Problems.NotFound("id", $"Program '{program.Name}' has no instance {id}.");
    }

    /// <summary>Checks the program, then reads the body: the problem of the first that fails, or both.</summary>
    public static async Task<(ProgramState Program, T Body, IResult? Problem)> ProgramAndBodyAsync<T>(
        EngineState state, string name, HttpRequest request, JsonTypeInfo<T> type, string example)
        where T : class
    {
        if (Program(state, name, out var program) is { } problem)
        {
            return (program, null!, problem);
        }

        var (body, bodyProblem) = await BodyAsync(request, type, example);
        return (program, body!, bodyProblem);
    }

    /// <summary>Reads a JSON body strictly (see <see cref="JsonBody"/>); a missing, malformed or mistyped body is a 400 naming the culprit.</summary>
    public static Task<(T? Body, IResult? Problem)> BodyAsync<T>(HttpRequest request, JsonTypeInfo<T> type, string example)
        where T : class => JsonBody.ReadAsync(request, type, example);
}
