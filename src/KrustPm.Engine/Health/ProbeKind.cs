namespace KrustPm.Engine.Health;

/// <summary>Which question a probe answers.</summary>
public enum ProbeKind
{
    /// <summary>Is the instance ready to serve (decides <see cref="InstanceState.Ready"/>)?</summary>
    Readiness,

    /// <summary>Is the instance still alive (restarts it after repeated failures)?</summary>
    Liveness,
}

/// <summary>A set of <see cref="ProbeKind"/>s.</summary>
[Flags]
public enum ProbeKinds
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The readiness probe.</summary>
    Readiness = 1,

    /// <summary>The liveness probe.</summary>
    Liveness = 2,
}
