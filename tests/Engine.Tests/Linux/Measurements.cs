namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// Tests that count krust-pm's own descriptors or change its process-wide limits: they run alone, so that what they
/// count is theirs and no other test meets their limits.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class Measurements;
