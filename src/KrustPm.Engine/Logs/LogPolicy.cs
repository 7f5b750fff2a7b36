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
}
