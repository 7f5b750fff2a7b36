namespace KrustPm.Engine.Logs;

/// <summary>
/// A <see cref="LineSplitter"/> that knows where each chunk it is given starts in its log file, and so where each
/// line it completes ends (<see cref="LogLine.End"/>).
/// </summary>
internal sealed class PositionedLineSplitter
{
    private readonly LineSplitter _splitter = new();
    private readonly List<string> _lines = [];
    private readonly List<int> _ends = [];

    /// <summary>Adds a chunk that starts at <paramref name="start"/> in its file (unknown: <see langword="null"/>).</summary>
    public void Push(ReadOnlySpan<byte> data, LogPosition? start, List<LogLine> output)
    {
        _lines.Clear();
        _ends.Clear();
        _splitter.Push(data, _lines, _ends);
        for (var i = 0; i < _lines.Count; i++)
        {
            output.Add(new LogLine(
                _lines[i],
                start is { } at && _ends[i] >= 0 ? at with { Offset = at.Offset + _ends[i] } : null));
        }
    }

    /// <summary>The partial last line, if any (it has no line end, so no position).</summary>
    public LogLine? Finish() => _splitter.Finish() is { } partial ? new LogLine(partial, null) : null;
}
