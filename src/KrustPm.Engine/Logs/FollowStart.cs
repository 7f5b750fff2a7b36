namespace KrustPm.Engine.Logs;

/// <summary>What a new follower of an instance's output reads first (see <see cref="OutputSink.Follow(int, LogPosition?, out FollowStart)"/>).</summary>
/// <param name="Lines">The lines from the log files, oldest first.</param>
/// <param name="Missed">
/// When a reader came back with a position and some of what followed it cannot be given (the log was rotated past
/// it, truncated, or more was written than one read takes), why: a sentence for the reader. <see langword="null"/>
/// otherwise.
/// </param>
public sealed record FollowStart(IReadOnlyList<LogLine> Lines, string? Missed);
