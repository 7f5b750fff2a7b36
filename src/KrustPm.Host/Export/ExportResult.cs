using System.Collections.Immutable;

namespace KrustPm.Host.Export;

/// <summary>One file an exporter writes: its name (relative to the output folder) and its text.</summary>
/// <param name="Name">The file name, e.g. <c>app-web@.service</c> or <c>compose.yaml</c>.</param>
/// <param name="Text">The whole content.</param>
internal sealed record ExportFile(string Name, string Text);

/// <summary>What an export produced, and what it could not carry over.</summary>
/// <param name="Files">The files to write.</param>
/// <param name="Unmapped">
/// One line per configured setting the target has no equivalent for (<c>web: ready_log_line: ...</c>): also
/// written as comments in the files; the command prints them on stderr.
/// </param>
internal sealed record ExportResult(ImmutableArray<ExportFile> Files, ImmutableArray<string> Unmapped)
{
    /// <summary>
    /// Why the configuration cannot be exported to the target (a program without an image, two programs with the same
    /// resource name): when there is any, nothing is written.
    /// </summary>
    public ImmutableArray<string> Errors { get; init; } = [];

    /// <summary>A result that is only errors.</summary>
    public static ExportResult Failed(ImmutableArray<string> errors) => new([], []) { Errors = errors };
}

/// <summary>The targets of <c>krust-pm export</c>.</summary>
internal enum ExportTarget
{
    /// <summary>systemd template units and a target.</summary>
    Systemd,

    /// <summary>A Compose file (docker compose, podman compose).</summary>
    Compose,

    /// <summary>Kubernetes manifests: a Deployment or Job per program, Services for ports.</summary>
    Kubernetes,
}
