using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>The values read so far from one program table, starting from the defaults.</summary>
internal sealed class ProgramBuilder(string name)
{
    /// <summary>A spec with every default, so the defaults live only in <see cref="ProgramSpec"/>.</summary>
    private static readonly ProgramSpec Defaults = new("defaults", string.Empty, []);

    public string Name { get; } = name;

    /// <summary>Whether the table has a <c>command</c> key, valid or not.</summary>
    public bool HasCommand { get; set; }

    public string Command { get; set; } = string.Empty;

    public ImmutableArray<string> Words { get; set; } = [];

    public ImmutableArray<string> Args { get; set; } = [];

    public int Instances { get; set; } = Defaults.Instances;

    /// <summary>The line of a valid <c>instances</c> key, or <see langword="null"/> when it is absent.</summary>
    public int? InstancesLine { get; set; }

    public int MaxInstances { get; set; } = Defaults.MaxInstances;

    public int MaxRetries { get; set; } = Defaults.MaxRetries;

    public TimeSpan RestartDelay { get; set; } = Defaults.RestartDelay;

    public TimeSpan StopTimeout { get; set; } = Defaults.StopTimeout;

    public int StopSignal { get; set; } = Defaults.StopSignal;

    public string? WorkingDirectory { get; set; }

    public ProgramSpec Build() => new(Name, Command, Words.AddRange(Args))
    {
        Instances = Instances,
        MaxInstances = MaxInstances,
        MaxRetries = MaxRetries,
        RestartDelay = RestartDelay,
        StopTimeout = StopTimeout,
        StopSignal = StopSignal,
        WorkingDirectory = WorkingDirectory,
    };
}
