namespace KrustPm.Engine.Logs;

/// <summary>Which of a process's two output streams.</summary>
public enum OutputKind
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}
