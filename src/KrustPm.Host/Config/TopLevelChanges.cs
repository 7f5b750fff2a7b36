using System.Collections.Immutable;

namespace KrustPm.Host.Config;

/// <summary>A top-level key whose value changed in the file, and whether a reload applies it.</summary>
/// <param name="Key">The key, as the file names it.</param>
/// <param name="Applied">
/// Whether the reload applied it; <see langword="false"/>: it is only read when krust-pm starts, so the running value
/// is kept until krust-pm is restarted.
/// </param>
public sealed record TopLevelChange(string Key, bool Applied);

/// <summary>
/// Which top-level keys a reload can apply while krust-pm runs (<c>watch_config</c> and <c>include</c>), and which are read once, at
/// start (the address, the token, the log folder and format, attach, read-only, the journal): a change of those is
/// reported, never half-applied.
/// </summary>
internal static class TopLevelChanges
{
    /// <summary>The top-level keys a reload applies.</summary>
    public static ImmutableArray<string> Live { get; } = [ConfigDocumentReader.WatchConfigKey, ConfigDocumentReader.IncludeKey];

    /// <summary>The top-level keys that differ between the running configuration and the file, in the documentation's order.</summary>
    /// <param name="running">The configuration krust-pm runs with.</param>
    /// <param name="file">The file as it is now (with the same command-line and environment overrides as at start).</param>
    public static ImmutableArray<TopLevelChange> Between(KrustConfig running, KrustConfig file) =>
    [
        .. ConfigDocumentReader.TopLevelKeys
            .Where(key => Differs(key, running, file))
            .Select(key => new TopLevelChange(key, Live.Contains(key))),
    ];

    /// <summary>The running configuration with the live keys of <paramref name="file"/> and its programs.</summary>
    public static KrustConfig Apply(KrustConfig running, KrustConfig file) =>
        running with
        {
            WatchConfig = file.WatchConfig, Programs = file.Programs, IncludedFiles = file.IncludedFiles, IncludeFolders = file.IncludeFolders,
        };

    private static bool Differs(string key, KrustConfig a, KrustConfig b) => key switch
    {
        ConfigDocumentReader.ServerPortKey => a.Server != b.Server,
        "log_dir" => a.LogDirectory != b.LogDirectory,
        "log_format" => a.LogFormat != b.LogFormat,
        "attach" => a.Attach != b.Attach,
        "auth_token" => a.AuthToken != b.AuthToken || a.AuthTokenVariable != b.AuthTokenVariable,
        "max_streams" => a.MaxStreams != b.MaxStreams,
        "read_only" => a.ReadOnly != b.ReadOnly,
        "exit_when" => a.ExitWhen != b.ExitWhen,
        ConfigDocumentReader.SampleIntervalKey => a.SampleInterval != b.SampleInterval,
        "metrics_public" => a.MetricsPublic != b.MetricsPublic,
        "subreaper" => a.Subreaper != b.Subreaper,
        "cgroup" => a.Cgroup != b.Cgroup,
        ConfigDocumentReader.WatchConfigKey => a.WatchConfig != b.WatchConfig,
        ConfigDocumentReader.IncludeKey => !a.IncludeFolders.SequenceEqual(b.IncludeFolders), // a new file in conf.d is no change of the key
        "journal" => a.Journal.Enabled != b.Journal.Enabled,
        "journal_dir" => a.Journal.Directory != b.Journal.Directory,
        "journal_max_bytes" => a.Journal.Options.MaxSegmentBytes != b.Journal.Options.MaxSegmentBytes,
        "journal_max_segments" => a.Journal.Options.MaxSegments != b.Journal.Options.MaxSegments,
        "journal_fsync" => a.Journal.Options.Sync != b.Journal.Options.Sync,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "A top-level key with no comparison."),
    };
}
