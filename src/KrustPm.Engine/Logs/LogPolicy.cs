namespace KrustPm.Engine.Logs;

/// <summary>What happens to a program's output. Immutable; <see cref="Default"/> keeps everything, rotated.</summary>
public sealed record LogPolicy
{
    /// <summary>Capture to files, 10 MiB per file, 5 rotated files kept.</summary>
    public static LogPolicy Default { get; } = new();

    /// <summary>Whether output is kept in files; <see langword="false"/> reads and discards it.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The size at which a log file is rotated; 0 never rotates. Defaults to 10 MiB.</summary>
    public long MaxBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>How many rotated files (<c>.log.1</c> ... <c>.log.N</c>) are kept; 0 keeps none. Defaults to 5.</summary>
    public int Backups { get; init; } = 5;

    /// <summary>
    /// Whether the output bypasses capture and goes straight to krust-pm's own stdout and stderr (the child inherits
    /// them; <c>log = "inherit"</c>). Files, ready-line matching and log follow then see nothing.
    /// </summary>
    public bool Inherit { get; init; }

    /// <summary>
    /// The stdout log file's path, with <c>{program}</c> and <c>{id}</c> placeholders; <see langword="null"/> for the
    /// default name in the log folder.
    /// </summary>
    public string? StdoutPath { get; init; }

    /// <summary>The stderr log file's path, as <see cref="StdoutPath"/>.</summary>
    public string? StderrPath { get; init; }

    /// <summary>Whether stderr is written into the stdout stream (supervisord's <c>redirect_stderr</c>).</summary>
    public bool MergeStderr { get; init; }

    /// <summary>Whether each captured line is written to its file after an ISO 8601 time stamp.</summary>
    public bool Timestamps { get; init; }
}
