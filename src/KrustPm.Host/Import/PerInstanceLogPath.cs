namespace KrustPm.Host.Import;

/// <summary>
/// A log file the instances of a program would all write (supervisord's <c>stdout_logfile</c> without
/// <c>%(process_num)d</c>, PM2's <c>merge_logs</c>) made one file per instance, as krust-pm requires:
/// <c>{index}</c> before the extension (<c>logs/worker.log</c> → <c>logs/worker-{index}.log</c>, PM2's own naming).
/// </summary>
internal static class PerInstanceLogPath
{
    /// <summary>Why the path changed, for the line's comment.</summary>
    public const string Why = "krust-pm's instances never share a log file";

    /// <summary>Whether the path already names the instance.</summary>
    public static bool NamesInstance(string path) =>
        path.Contains("{index}", StringComparison.Ordinal) || path.Contains("{id}", StringComparison.Ordinal);

    /// <summary>The path with <c>-{index}</c> before its extension.</summary>
    public static string Of(string path)
    {
        var extension = Path.GetExtension(path);
        return path[..^extension.Length] + "-{index}" + extension;
    }
}
