using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm reload [--dry-run] [--json]</c>: asks the running krust-pm to read its configuration file again and
/// apply it (<c>POST /api/v1/reload</c>), and prints the plan, one line per program. Exit 0 when applied (or shown);
/// 2 when the file does not load (its problems printed as <c>krust-pm check</c> prints them; nothing changed).
/// </summary>
internal static class ReloadCommand
{
    public static void Add(RootCommand root, Option<string?> configOption, Option<string?> urlOption, Option<bool> jsonOption)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what the reload would do; change nothing." };
        var reload = new Command(
            "reload",
            "Make the running krust-pm read its configuration file again and apply it: new programs start, removed ones stop, changed ones restart or change in place, the others are not touched.")
        {
            dryRun,
            urlOption,
            jsonOption,
        };
        reload.SetAction(async (parse, _) =>
            // The file that locates krust-pm is, most often, the one it reloads: when it does not load, its problems
            // are the answer (exit 2, as the server's 422 would be), and nothing is sent.
            await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption), notSent: NothingChanged) is { } connection
                ? await RunAsync(connection, parse.GetValue(dryRun), parse.GetValue(jsonOption), Console.Out, Console.Error)
                : KrustPmCommandLine.ExitUsage);
        root.Subcommands.Add(reload);
    }

    private const string NothingChanged = "nothing was changed, krust-pm keeps running with its configuration";

    public static async Task<int> RunAsync(ApiConnection connection, bool dryRun, bool json, TextWriter output, TextWriter error)
    {
        var (answer, exit) = await ApiCall.SendAsync(
            connection, HttpMethod.Post, dryRun ? "api/v1/reload?dryRun=true" : "api/v1/reload", onError: (status, body) => NotLoadedAsync(status, body, json, output, error));
        if (answer is null)
        {
            return exit;
        }

        if (json)
        {
            await output.WriteLineAsync(answer);
            return exit;
        }

        using var document = JsonDocument.Parse(answer);
        await output.WriteAsync(ReloadText.Describe(document.RootElement));
        if (document.RootElement.TryGetProperty("warnings", out var warnings))
        {
            foreach (var warning in warnings.EnumerateArray())
            {
                await error.WriteLineAsync($"krust-pm: {warning.GetString()}");
            }
        }

        return exit;
    }

    /// <summary>A 422: the file does not load. Every problem, located, then what it means; exit 2 as <c>krust-pm check</c>.</summary>
    private static async Task<int?> NotLoadedAsync(HttpStatusCode status, string body, bool json, TextWriter output, TextWriter error)
    {
        if (status != HttpStatusCode.UnprocessableEntity)
        {
            return null;
        }

        if (json)
        {
            await output.WriteLineAsync(body);
        }

        using var document = JsonDocument.Parse(body);
        var problems = document.RootElement.TryGetProperty("problems", out var list) ? list.EnumerateArray().Select(p => p.GetString()).ToList() : [];
        foreach (var problem in problems.Take(StartChecks.MaxProblemsShown))
        {
            await error.WriteLineAsync($"krust-pm: {problem}");
        }

        if (problems.Count > StartChecks.MaxProblemsShown)
        {
            await error.WriteLineAsync($"krust-pm: ... and {problems.Count - StartChecks.MaxProblemsShown} more problem(s) not shown");
        }

        await error.WriteLineAsync($"krust-pm: {problems.Count} problem(s) in the configuration; {NothingChanged}.");
        return KrustPmCommandLine.ExitUsage;
    }
}
