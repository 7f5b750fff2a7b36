namespace KrustPm.Engine;

/// <summary>Equality by value: what users expect of a record, lists and tables included.</summary>
public sealed partial record ProgramSpec
{
    /// <summary>
    /// Whether <paramref name="other"/> says the same thing: every setting equal, lists (<see cref="Argv"/>,
    /// <see cref="Groups"/>, <see cref="SuccessExitCodes"/>...) and tables by their contents, where a record's own
    /// equality would compare an <see cref="System.Collections.Immutable.ImmutableArray{T}"/> by reference (two specs
    /// built alike would differ). The settings are compared through <see cref="ProgramSpecs.SameSettings"/>, so one
    /// added later is compared without being listed here.
    /// </summary>
    /// <param name="other">The other specification.</param>
    /// <returns>Whether both are the same program.</returns>
    public bool Equals(ProgramSpec? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && Name == other.Name
            && Command == other.Command
            && Argv.AsSpan().SequenceEqual(other.Argv.AsSpan())
            && ProgramSpecs.SameSettings(this, other));

    /// <summary>A hash of the name and the command line (equal specifications have them equal).</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(Command);
        foreach (var word in Argv.AsSpan())
        {
            hash.Add(word);
        }

        return hash.ToHashCode();
    }
}
