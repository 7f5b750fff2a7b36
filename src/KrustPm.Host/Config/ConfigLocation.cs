using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace KrustPm.Host.Config;

/// <summary>Where the configuration file is, or why none was found.</summary>
/// <param name="Path">The absolute path of the configuration file; <see langword="null"/> when none was found.</param>
/// <param name="Error">Why no file was found (naming every path looked at); <see langword="null"/> when found.</param>
/// <param name="Searched">Every path looked at, in order.</param>
public sealed record ConfigLocation(string? Path, string? Error, ImmutableArray<string> Searched)
{
    /// <summary>Whether a configuration file was found.</summary>
    [MemberNotNullWhen(true, nameof(Path))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Found => Path is not null;
}
