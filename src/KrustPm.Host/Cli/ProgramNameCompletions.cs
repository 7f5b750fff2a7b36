using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using System.Text.Json;
using KrustPm.Host.Config;

namespace KrustPm.Host.Cli;

/// <summary>
/// What a program-name argument completes to: the programs of the running krust-pm (found as every command finds it,
/// asked with a short timeout), else those of the configuration file; with their instances (<c>web:0</c>), their
/// groups (<c>@front</c>) and <c>all</c> where the argument takes them. A completion never fails: no krust-pm and no
/// file is no suggestion.
/// </summary>
internal static class ProgramNameCompletions
{
    private static readonly TimeSpan AskFor = TimeSpan.FromSeconds(1);

    /// <summary>Which forms an argument takes.</summary>
    [Flags]
    public enum Forms
    {
        Names = 0,
        Instances = 1,
        Groups = 2,
    }

    public static void CompleteProgramNames(this Argument argument, Option<string?> configOption, Option<string?> urlOption, Forms forms) =>
        argument.CompletionSources.Add(context => Suggest(context, configOption, urlOption, forms));

    private static IEnumerable<CompletionItem> Suggest(CompletionContext context, Option<string?> configOption, Option<string?> urlOption, Forms forms)
    {
        if (ReferenceEquals(context, CompletionContext.Empty))
        {
            return []; // the help listing the arguments' values, not a shell completing a word: ask no krust-pm
        }

        var programs = FromRunning(context.ParseResult.GetValue(urlOption), context.ParseResult.GetValue(configOption))
            ?? FromFile(context.ParseResult.GetValue(configOption))
            ?? [];
        var words = new List<string>();
        foreach (var (name, groups, instances) in programs)
        {
            words.Add(name);
            if (forms.HasFlag(Forms.Instances))
            {
                words.AddRange(instances.Select(id => $"{name}:{id.ToString(CultureInfo.InvariantCulture)}"));
            }

            if (forms.HasFlag(Forms.Groups))
            {
                words.AddRange(groups.Select(g => $"{Api.ProgramTargets.GroupPrefix}{g}"));
            }
        }

        if (forms.HasFlag(Forms.Groups) && programs.Count > 0)
        {
            words.Add(Api.ProgramTargets.All);
        }

        var typed = context.WordToComplete;
        return words.Distinct(StringComparer.Ordinal)
            .Where(w => w.StartsWith(typed, StringComparison.Ordinal))
            .Select(w => new CompletionItem(w));
    }

    private static List<(string Name, IReadOnlyList<string> Groups, IReadOnlyList<long> Instances)>? FromRunning(string? url, string? configPath)
    {
        try
        {
            var connection = ApiConnection.ResolveAsync(url, configPath).GetAwaiter().GetResult();
            if (connection is null)
            {
                return null;
            }

            using var client = connection.CreateClient();
            client.Timeout = AskFor;
            using var document = JsonDocument.Parse(client.GetStringAsync("api/v1/programs").GetAwaiter().GetResult());
            return
            [
                .. document.RootElement.EnumerateArray().Select(p => (
                    p.GetProperty("name").GetString()!,
                    (IReadOnlyList<string>)(p.TryGetProperty("config", out var config) && config.TryGetProperty("groups", out var groups)
                        ? [.. groups.EnumerateArray().Select(g => g.GetString()!)]
                        : []),
                    (IReadOnlyList<long>)[.. p.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())])),
            ];
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null; // not running, not krust-pm, or not answering in time: the file is the next best
        }
    }

    private static List<(string Name, IReadOnlyList<string> Groups, IReadOnlyList<long> Instances)>? FromFile(string? configPath)
    {
        var location = ConfigLocator.Locate(configPath, Environment.CurrentDirectory);
        if (!location.Found)
        {
            return null;
        }

        var loaded = ConfigLoader.Load(location.Path);
        return loaded.Config is { } config
            ? [.. config.Programs.Select(p => (p.Name, (IReadOnlyList<string>)p.Groups, (IReadOnlyList<long>)[]))]
            : null;
    }
}
