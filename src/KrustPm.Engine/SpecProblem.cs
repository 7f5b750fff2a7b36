namespace KrustPm.Engine;

/// <summary>One thing that makes a <see cref="ProgramSpec"/> unusable, found by <see cref="ProgramSpec.Validate"/>.</summary>
/// <param name="Key">
/// The setting it is about, as the configuration names it: <c>instances</c>, <c>env.PORT</c>,
/// <c>readiness.period_ms</c>, <c>command</c> (for the words of <see cref="ProgramSpec.Argv"/>), or <c>name</c>.
/// </param>
/// <param name="Message">What is wrong, as a phrase without the key (<c>expected a port from 1 to 65535, got 0</c>).</param>
/// <param name="Item">
/// For a setting that is a list, the position (from 0) of the item at fault: a word of
/// <see cref="ProgramSpec.Argv"/>, an exit code, a group; <see langword="null"/> when the problem is the whole setting.
/// </param>
public sealed record SpecProblem(string Key, string Message, int? Item = null);
