namespace KrustPm.Engine;

/// <summary>
/// krust-pm itself is short of a resource it needs to start processes (it has run out of file descriptors, for
/// example): the instances it could not start wait for it, and try again later. Not a failure of any program.
/// </summary>
/// <param name="Reason">What krust-pm lacks, as the launcher last reported it.</param>
/// <param name="Since">When the first instance had to wait.</param>
/// <param name="Instances">How many instances wait for resources now (at least 1).</param>
public sealed record ResourceShortage(string Reason, DateTimeOffset Since, int Instances);
