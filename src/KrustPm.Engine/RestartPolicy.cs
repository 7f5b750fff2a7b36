namespace KrustPm.Engine;

/// <summary>When an instance whose process exited is started again.</summary>
public enum RestartPolicy
{
    /// <summary>After a failed try (non-zero exit, killed by a signal krust-pm did not send, cannot start). The default.</summary>
    OnFailure,

    /// <summary>After every exit, clean ones included: the instance is never <see cref="InstanceStatus.Done"/>.</summary>
    Always,

    /// <summary>Never: a clean exit is <see cref="InstanceStatus.Done"/>, a failure <see cref="InstanceStatus.Failed"/>.</summary>
    Never,
}
