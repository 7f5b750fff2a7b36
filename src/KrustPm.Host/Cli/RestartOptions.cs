using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>restart</c>'s options: <c>--rolling</c> (one instance at a time, each once the previous one is ready),
/// <c>--timeout SECONDS</c> (how long to wait for a rolling restart) and <c>--no-wait</c> (answer at once and let the
/// restart go on). The API bounds the wait; the command line waits for its answer.
/// </summary>
internal sealed class RestartOptions
{
    private readonly Option<bool> _rolling = new("--rolling") { Description = "Restart one instance at a time, each once the previous one is ready." };

    private readonly Option<int?> _timeout = new("--timeout")
    {
        Description = "With --rolling: seconds to wait for the whole rolling restart (default: for each instance, its stop_timeout_ms + "
            + "min_uptime_ms + 60 s). The rolling restart goes on when the wait runs out.",
        HelpName = "SECONDS",
        CustomParser = WholeNumbers.ParseNullable<int>,
    };

    private readonly Option<bool> _noWait = new("--no-wait") { Description = "Do not wait: the restart goes on in krust-pm (follow it with status)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_rolling);
        command.Options.Add(_timeout);
        command.Options.Add(_noWait);
    }

    /// <summary>What is wrong with the options given, if anything.</summary>
    public string? Problem(ParseResult parse, long? instance) => parse.GetValue(_timeout) switch
    {
        { } seconds when seconds is < 1 or > Api.RestartWait.MaxTimeoutSeconds =>
            $"--timeout takes a number of seconds from 1 to {Api.RestartWait.MaxTimeoutSeconds} (got {seconds}).",
        not null when !parse.GetValue(_rolling) => "--timeout bounds the wait for a rolling restart: use it with --rolling.",
        not null when parse.GetValue(_noWait) => "--timeout and --no-wait cannot be used together.",
        _ when instance is not null && (parse.GetValue(_rolling) || parse.GetValue(_noWait)) =>
            "--rolling and --no-wait apply to a whole program (NAME), not to one instance.",
        _ => null,
    };

    /// <summary>The query string the options ask for (empty for a command that has none of them).</summary>
    public string Query(ParseResult parse)
    {
        var query = new List<string>();
        if (parse.GetValue(_rolling))
        {
            query.Add("rolling=true");
        }

        if (parse.GetValue(_noWait))
        {
            query.Add("wait=false");
        }

        if (parse.GetValue(_timeout) is { } seconds)
        {
            query.Add($"timeout={seconds.ToString(CultureInfo.InvariantCulture)}");
        }

        return query.Count == 0 ? string.Empty : "?" + string.Join('&', query);
    }

    /// <summary>How long to wait for the answer: a waiting rolling restart answers once it is done, bounded by the server.</summary>
    public TimeSpan? Wait(ParseResult parse) =>
        parse.GetValue(_rolling) && !parse.GetValue(_noWait) ? Timeout.InfiniteTimeSpan : null;

    /// <summary>The line printed for an answer: a restart that goes on says so.</summary>
    public string Describe(ParseResult parse, JsonElement answer, Func<JsonElement, string> summary) => parse.GetValue(_noWait)
        ? $"{(answer.TryGetProperty("target", out var target) ? target : answer.GetProperty("program")).GetString()}: {(parse.GetValue(_rolling) ? "rolling restart" : "restart")} of "
            + $"{answer.GetProperty("affected").GetInt32()} instance(s) under way (krust-pm status shows how it goes)"
        : summary(answer);
}
