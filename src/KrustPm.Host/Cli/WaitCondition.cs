using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>What <c>krust-pm wait</c> waits for.</summary>
internal enum WaitFor
{
    /// <summary>Every instance is Running.</summary>
    Running,

    /// <summary>Every instance is Running and ready (its probe passed or its ready line was printed; Running when it has neither).</summary>
    Ready,

    /// <summary>Every instance is Done: it exited successfully and will not be restarted.</summary>
    Done,

    /// <summary>No instance runs any more: each is Stopped, Done, Failed or RetriesExceeded.</summary>
    Stopped,
}

/// <summary>Whether the wait is over, and how.</summary>
internal enum WaitVerdict
{
    /// <summary>Not yet.</summary>
    Pending,

    /// <summary>Reached.</summary>
    Reached,

    /// <summary>An instance is in a state from which it will not reach what is waited for by itself.</summary>
    Unreachable,
}

/// <summary>
/// Reads a program as the API shows it and says whether what <c>krust-pm wait</c> waits for is reached, cannot be
/// reached, or is still to come. A program with no instance is stopped, and not (yet) running, ready or done.
/// </summary>
internal static class WaitCondition
{
    /// <summary>The statuses an instance leaves only when someone acts (a start, a restart).</summary>
    private static readonly string[] Ended = ["Stopped", "Done", "Failed", "RetriesExceeded"];

    /// <param name="program">The program, as <c>GET /api/v1/programs/{name}</c> answers.</param>
    /// <param name="instance">One instance's id, or <see langword="null"/> for every instance of the program.</param>
    /// <param name="wanted">What is waited for.</param>
    /// <returns>The verdict, and the state of the instances that decide it (<c>web.0 Backoff</c>), to report.</returns>
    public static (WaitVerdict Verdict, string Detail) Check(JsonElement program, long? instance, WaitFor wanted)
    {
        var name = program.GetProperty("name").GetString();
        var instances = program.GetProperty("instances").EnumerateArray()
            .Where(i => instance is null || i.GetProperty("id").GetInt64() == instance)
            .Select(i => (Label: $"{name}.{i.GetProperty("id").GetInt64()}", Status: i.GetProperty("status").GetString() ?? "?", Ready: IsReady(i)))
            .ToList();
        if (instances.Count == 0)
        {
            return instance is null
                ? (wanted == WaitFor.Stopped ? WaitVerdict.Reached : WaitVerdict.Pending, $"{name} has no instance")
                : (WaitVerdict.Unreachable, $"{name} has no instance {instance}");
        }

        if (instances.FirstOrDefault(i => CannotReach(i.Status, wanted)) is { Label: not null } stuck)
        {
            return (WaitVerdict.Unreachable, $"{stuck.Label} is {stuck.Status}");
        }

        var pending = instances.Where(i => !Reached(i.Status, i.Ready, wanted)).ToList();
        return pending.Count == 0
            ? (WaitVerdict.Reached, string.Join(", ", instances.Select(i => $"{i.Label} {i.Status}")))
            : (WaitVerdict.Pending, string.Join(", ", pending.Select(i => $"{i.Label} {i.Status}{(i.Status == "Running" && !i.Ready ? " (not ready)" : string.Empty)}")));
    }

    private static bool Reached(string status, bool ready, WaitFor wanted) => wanted switch
    {
        WaitFor.Running => status == "Running",
        WaitFor.Ready => status == "Running" && ready,
        WaitFor.Done => status == "Done",
        _ => Ended.Contains(status),
    };

    /// <summary>An ended instance (or one blocked by a failed dependency) will not start again by itself.</summary>
    private static bool CannotReach(string status, WaitFor wanted) => wanted switch
    {
        WaitFor.Running or WaitFor.Ready => Ended.Contains(status) || status == "Blocked",
        WaitFor.Done => status is not "Done" && (Ended.Contains(status) || status == "Blocked"),
        _ => false,
    };

    /// <summary>The API shows <c>ready</c> only for a program with a readiness probe or a ready line; else Running is ready.</summary>
    private static bool IsReady(JsonElement instance) =>
        !instance.TryGetProperty("ready", out var ready) || ready.ValueKind != JsonValueKind.False;
}
