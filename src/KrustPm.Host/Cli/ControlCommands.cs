using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// The commands that change the running krust-pm: <c>scale NAME N</c>, <c>start|stop|restart NAME[:ID]</c>,
/// <c>signal NAME[:ID] SIG</c>, <c>rm NAME:ID</c>. Each prints what the API answered, in one line (one per program for
/// a group, <c>@web</c>, or <c>all</c>, which start, stop, restart and signal take as NAME).
/// </summary>
internal static class ControlCommands
{

    public static void Add(RootCommand root, Option<string?> configOption, Option<string?> urlOption, Option<bool> jsonOption)
    {
        var scaleTarget = new Argument<string>("NAME") { Description = "The program." };
        scaleTarget.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Names);
        var scaleCount = new Argument<int>("N") { Description = "The number of instances wanted.", CustomParser = WholeNumbers.Parse<int> };
        var scale = new Command("scale", "Set the number of instances of a program.") { scaleTarget, scaleCount, urlOption, jsonOption };
        scale.SetAction((parse, _) => RunAsync(parse, configOption, urlOption, connection =>
            Send(parse.GetValue(jsonOption), connection, HttpMethod.Post, $"api/v1/programs/{Escape(parse.GetValue(scaleTarget)!)}/scale",
                $"{{\"instances\": {parse.GetValue(scaleCount).ToString(CultureInfo.InvariantCulture)}}}",
                answer => $"{answer.GetProperty("program").GetString()}: {answer.GetProperty("instances").GetInt32()} instance(s) " +
                    $"(+{answer.GetProperty("added").GetInt32()} -{answer.GetProperty("removed").GetInt32()})")));
        root.Subcommands.Add(scale);

        foreach (var action in new[] { "start", "stop", "restart" })
        {
            var target = new Argument<string>("NAME[:ID]") { Description = "The program, or one instance of it; @GROUP for a group's programs, all for every program." };
            target.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Instances | ProgramNameCompletions.Forms.Groups);
            var restart = new RestartOptions();
            var command = new Command(action, $"{char.ToUpperInvariant(action[0])}{action[1..]} a program's instances, or one (NAME:ID).") { target, urlOption, jsonOption };
            if (action == "restart")
            {
                restart.AddTo(command);
            }

            command.SetAction((parse, _) => RunAsync(parse, configOption, urlOption, connection =>
                !Target.TryParse(parse.GetValue(target)!, out var name, out var id) ? Usage($"'{parse.GetValue(target)}' is not NAME or NAME:ID.")
                : restart.Problem(parse, id) is { } problem ? Usage(problem)
                : Send(parse.GetValue(jsonOption), connection, HttpMethod.Post, Path(name, id, action) + restart.Query(parse), null,
                    answer => restart.Describe(parse, answer, Summary), restart.Wait(parse))));
            root.Subcommands.Add(command);
        }

        var signalTarget = new Argument<string>("NAME[:ID]") { Description = "The program, or one instance of it; @GROUP for a group's programs, all for every program." };
        signalTarget.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Instances | ProgramNameCompletions.Forms.Groups);
        var signalName = new Argument<string>("SIG") { Description = "HUP, INT, QUIT, KILL, USR1, USR2, TERM (SIG prefix allowed)." };
        signalName.CompletionSources.Add([.. Engine.Signals.Names]);
        var toGroup = new Option<bool>("--group") { Description = "Send it to each instance's whole process group, whatever stop_signal_target says." };
        var toMain = new Option<bool>("--main") { Description = "Send it to each instance's main process only, whatever stop_signal_target says." };
        var signal = new Command("signal", "Send a signal to a program's running instances, or one (NAME:ID).")
        {
            signalTarget, signalName, toGroup, toMain, urlOption, jsonOption,
        };
        signal.SetAction((parse, _) => RunAsync(parse, configOption, urlOption, connection =>
            !Target.TryParse(parse.GetValue(signalTarget)!, out var name, out var id) ? Usage($"'{parse.GetValue(signalTarget)}' is not NAME or NAME:ID.")
            : parse.GetValue(toGroup) && parse.GetValue(toMain) ? Usage("Give --group or --main, not both.")
            : Send(parse.GetValue(jsonOption), connection, HttpMethod.Post,
                $"api/v1/programs/{Escape(name)}/signal{(parse.GetValue(toGroup) ? "?target=group" : parse.GetValue(toMain) ? "?target=main" : string.Empty)}",
                JsonSerializer.Serialize(new Api.SignalRequest(parse.GetValue(signalName), id), Api.ApiJson.Compact.SignalRequest), Summary)));
        root.Subcommands.Add(signal);

        var removeTarget = new Argument<string>("NAME:ID") { Description = "The instance to stop and remove." };
        removeTarget.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Instances);
        var remove = new Command("rm", "Stop one instance and remove it from its program.") { removeTarget, urlOption, jsonOption };
        remove.SetAction((parse, _) => RunAsync(parse, configOption, urlOption, connection =>
            Target.TryParse(parse.GetValue(removeTarget)!, out var name, out var id) && id is not null
                ? Send(parse.GetValue(jsonOption), connection, HttpMethod.Delete, Path(name, id, null), null, Summary)
                : Usage($"'{parse.GetValue(removeTarget)}' is not NAME:ID.")));
        root.Subcommands.Add(remove);
    }

    private static async Task<int> RunAsync(ParseResult parse, Option<string?> configOption, Option<string?> urlOption, Func<ApiConnection, Task<int>> send) =>
        await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption)) is { } connection
            ? await send(connection)
            : KrustPmCommandLine.ExitUsage;

    private static async Task<int> Send(
        bool json, ApiConnection connection, HttpMethod method, string path, string? body, Func<JsonElement, string> describe, TimeSpan? wait = null)
    {
        var (answer, exit) = await ApiCall.SendAsync(connection, method, path, body, wait);
        if (answer is not null && json)
        {
            await Console.Out.WriteLineAsync(answer);
        }
        else if (answer is not null)
        {
            using var document = JsonDocument.Parse(answer);
            await Console.Out.WriteLineAsync(describe(document.RootElement));
        }

        return exit;
    }

    private static async Task<int> Usage(string message)
    {
        await Console.Error.WriteLineAsync($"krust-pm: {message}");
        return KrustPmCommandLine.ExitUsage;
    }

    private static string Summary(JsonElement answer)
    {
        if (answer.TryGetProperty("programs", out var programs))
        {
            // A group or all: one line per program, then the total.
            var action = answer.GetProperty("action").GetString();
            return string.Join(
                Environment.NewLine,
                programs.EnumerateArray()
                    .Select(p => $"{p.GetProperty("program").GetString()}: {action}, {p.GetProperty("affected").GetInt32()} instance(s) affected")
                    .Append($"{answer.GetProperty("target").GetString()}: {action}, {answer.GetProperty("affected").GetInt32()} instance(s) affected in {programs.GetArrayLength()} program(s)"));
        }

        var who = answer.TryGetProperty("instance", out var instance)
            ? $"{answer.GetProperty("program").GetString()}.{instance.GetInt64()}"
            : answer.GetProperty("program").GetString();
        return $"{who}: {answer.GetProperty("action").GetString()}, {answer.GetProperty("affected").GetInt32()} instance(s) affected";
    }

    private static string Path(string name, long? id, string? action) =>
        $"api/v1/programs/{Escape(name)}" + (id is { } one ? $"/instances/{one.ToString(CultureInfo.InvariantCulture)}" : string.Empty)
        + (action is null ? string.Empty : $"/{action}");

    private static string Escape(string text) => Uri.EscapeDataString(text);

    /// <summary>Parses <c>NAME</c> or <c>NAME:ID</c>.</summary>
    private static class Target
    {
        public static bool TryParse(string text, out string name, out long? id)
        {
            var colon = text.LastIndexOf(':');
            name = colon < 0 ? text : text[..colon];
            id = null;
            if (colon < 0)
            {
                return name.Length > 0;
            }

            if (!long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            id = parsed;
            return name.Length > 0 && name[0] != Api.ProgramTargets.GroupPrefix; // an instance id names one program's instance
        }
    }
}
