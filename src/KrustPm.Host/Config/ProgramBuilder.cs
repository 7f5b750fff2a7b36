using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>The values read so far from one program table, starting from the defaults.</summary>
internal sealed class ProgramBuilder(string name)
{
    /// <summary>The spec read so far; it starts with every default, so the defaults live only in <see cref="ProgramSpec"/>.</summary>
    public ProgramSpec Spec { get; set; } = new(name, string.Empty, []);

    public string Name => Spec.Name;

    /// <summary>Whether the table has a <c>command</c> key, valid or not.</summary>
    public bool HasCommand { get; set; }

    public ImmutableArray<string> Words { get; set; } = [];

    public ImmutableArray<string> Args { get; set; } = [];

    /// <summary>The line of a valid <c>instances</c> key, or <see langword="null"/> when it is absent.</summary>
    public int? InstancesLine { get; set; }

    public ProgramSpec Build() => Spec with { Argv = Words.AddRange(Args) };
}
