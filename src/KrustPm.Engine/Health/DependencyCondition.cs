namespace KrustPm.Engine.Health;

/// <summary>What a program waits for in one of its dependencies (<see cref="ProgramSpec.DependsOn"/>).</summary>
public enum DependencyCondition
{
    /// <summary>Every instance of the dependency is <see cref="InstanceStatus.Running"/> (config: <c>started</c>).</summary>
    Started,

    /// <summary>At least one instance of the dependency is running and ready (config: <c>healthy</c>).</summary>
    Healthy,

    /// <summary>Every instance of the dependency is running and ready (config: <c>healthy_all</c>).</summary>
    HealthyAll,

    /// <summary>Every instance of the dependency is <see cref="InstanceStatus.Done"/> with exit code 0 (config: <c>completed_successfully</c>).</summary>
    CompletedSuccessfully,

    /// <summary>Every instance of the dependency has ended for good: done, failed or out of retries (config: <c>completed</c>).</summary>
    Completed,
}
