namespace KrustPm.Engine;

/// <summary>Who receives a signal meant for an instance.</summary>
public enum SignalTarget
{
    /// <summary>The instance's whole process group (its main process and every process it started in the group).</summary>
    Group,

    /// <summary>Only the instance's main process, which passes it on to its own workers as it sees fit.</summary>
    Main,
}
