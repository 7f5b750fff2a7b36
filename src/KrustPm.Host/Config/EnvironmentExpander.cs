using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>
/// Expands <c>$VAR</c>, <c>${VAR}</c> and <c>${VAR:-default}</c> against krust-pm's own environment when the file is
/// read (in <c>env</c> values, <c>command</c> and <c>args</c>), with <c>$$</c> for a literal <c>$</c>, by the engine's
/// rules (<see cref="CommandSplitter.TryExpand"/>; in <c>command</c>, <see cref="CommandSplitter"/> expands outside
/// single quotes only, as a shell would).
/// </summary>
internal static class EnvironmentExpander
{
    /// <summary>Expands <paramref name="text"/>.</summary>
    /// <param name="text">The text as written.</param>
    /// <param name="lookup">The environment; <see langword="null"/> reads krust-pm's own.</param>
    /// <param name="expanded">The text with every variable replaced.</param>
    /// <returns><see langword="null"/> when every variable is defined; otherwise what is wrong, as a phrase.</returns>
    public static string? TryExpand(string text, Func<string, string?>? lookup, out string expanded) =>
        CommandSplitter.TryExpand(text, lookup ?? Environment.GetEnvironmentVariable, out expanded, out var error) ? null : error;
}
