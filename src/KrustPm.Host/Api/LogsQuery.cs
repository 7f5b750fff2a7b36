using System.Globalization;
using KrustPm.Engine;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Api;

/// <summary>The parameters of a logs request, checked one by one with an answer that names the bad one.</summary>
internal sealed record LogsQuery(ProgramState Program, long Instance, OutputKind Kind, int Tail, bool Follow)
{
    /// <summary>The most lines one request may ask for.</summary>
    public const int MaxTail = 10_000;

    public const int DefaultTail = 100;

    public static (LogsQuery? Query, IResult? Problem) Parse(string name, HttpRequest request, EngineState state, OutputStore store)
    {
        if (state.Find(name) is not { } program)
        {
            return (null, Problems.NotFound("name", $"There is no program named '{name}'."));
        }

        if (program.Spec.Log.Inherit)
        {
            return (null, Problems.Conflict(
                $"Program '{name}' has log = \"inherit\": its output goes straight to krust-pm's own stdout and stderr and is not captured, so krust-pm has none to show."));
        }

        if (Single(request, "instance") is { } badInstance)
        {
            return (null, badInstance);
        }

        var instanceText = request.Query["instance"].ToString();
        long instance;
        if (instanceText.Length == 0)
        {
            if (program.Instances.Length != 1)
            {
                return (null, Problems.BadParameter(
                    "instance",
                    $"Program '{name}' has {program.Instances.Length} instances: say which one with instance=ID."));
            }

            instance = program.Instances[0].Id;
        }
        else if (!long.TryParse(instanceText, NumberStyles.None, CultureInfo.InvariantCulture, out instance))
        {
            return (null, Problems.BadParameter("instance", $"'{instanceText}' is not an instance id."));
        }
        else if (program.Instances.All(i => i.Id != instance)
            && !File.Exists(store.PathOf(name, instance, OutputKind.Stdout))
            && !File.Exists(store.PathOf(name, instance, OutputKind.Stderr)))
        {
            return (null, Problems.NotFound("instance", $"Program '{name}' has no instance {instance} and no logs of one."));
        }

        var (kind, tail, follow, problem) = Options(request);
        if (problem is not null)
        {
            return (null, problem);
        }

        return (new LogsQuery(program, instance, kind, tail, follow), null);
    }

    /// <summary>The options every logs request takes: <c>stream</c>, <c>tail</c>, <c>follow</c>, each checked with an answer naming it.</summary>
    public static (OutputKind Kind, int Tail, bool Follow, IResult? Problem) Options(HttpRequest request)
    {
        var kind = request.Query["stream"].ToString() switch
        {
            "" or "stdout" => OutputKind.Stdout,
            "stderr" => OutputKind.Stderr,
            _ => (OutputKind?)null,
        };
        if (Single(request, "stream") is { } badStream || kind is null)
        {
            return (default, 0, false, Problems.BadParameter("stream", $"'{request.Query["stream"]}' is not a stream: use stdout or stderr."));
        }

        var tailText = request.Query["tail"].ToString();
        var tail = DefaultTail;
        if (Single(request, "tail") is { } badTail)
        {
            return (default, 0, false, badTail);
        }

        if (tailText.Length > 0
            && (!int.TryParse(tailText, NumberStyles.None, CultureInfo.InvariantCulture, out tail) || tail > MaxTail))
        {
            return (default, 0, false, Problems.BadParameter("tail", $"'{tailText}' is not a number of lines from 0 to {MaxTail}."));
        }

        var follow = request.Query["follow"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => (bool?)null,
        };
        if (Single(request, "follow") is { } badFollow || follow is null)
        {
            return (default, 0, false, Problems.BadParameter("follow", $"'{request.Query["follow"]}' is not true or false."));
        }

        return (kind.Value, tail, follow.Value, null);
    }

    /// <summary>A parameter given more than once is refused.</summary>
    internal static IResult? Single(HttpRequest request, string parameter) =>
        request.Query[parameter].Count > 1 ? Problems.BadParameter(parameter, $"Give '{parameter}' once.") : null;
}
