namespace KrustPm.Host.Config;

/// <summary>Finds the known key an unknown key was probably meant to be ("did you mean ...?").</summary>
internal static class KeySuggester
{
    /// <summary>Common names from other tools, mapped to ours.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["cmd"] = "command",
        ["exec"] = "command",
        ["argv"] = "args",
        ["arguments"] = "args",
        ["cwd"] = "workdir",
        ["directory"] = "workdir",
        ["port"] = "server-port",
        ["listen"] = "server-port",
        ["replicas"] = "instances",
        ["numprocs"] = "instances",
        ["stopsignal"] = "stop_signal",
        ["url"] = "http",
        ["address"] = "tcp",
        ["command"] = "exec",
        ["interval_ms"] = "period_ms",
    };

    /// <summary>The best match for <paramref name="unknown"/> among <paramref name="known"/>, if one is close.</summary>
    public static string? Suggest(string unknown, IEnumerable<string> known)
    {
        var candidates = known.ToList();
        var normalized = Normalize(unknown);
        if (Aliases.TryGetValue(normalized, out var alias) && candidates.Contains(alias))
        {
            return alias;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var target = Normalize(candidate);
            var distance = Distance(normalized, target);
            var close = distance <= Math.Max(2, target.Length / 3)
                || (normalized.Length >= 3 && target.Contains(normalized, StringComparison.Ordinal))
                || (target.Length >= 3 && normalized.Contains(target, StringComparison.Ordinal));
            if (close && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>The " (did you mean 'x'?)" suffix for a message, or an empty string.</summary>
    public static string Hint(string unknown, IEnumerable<string> known) =>
        Suggest(unknown, known) is { } suggestion ? $" (did you mean '{suggestion}'?)" : string.Empty;

    private static string Normalize(string key) => key.ToLowerInvariant().Replace('-', '_');

    /// <summary>Levenshtein edit distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
