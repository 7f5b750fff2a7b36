using System.Text.RegularExpressions;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Health;

/// <summary>
/// Watches a run's raw output for the first line that matches its program's <see cref="ProgramSpec.ReadyLogLine"/>
/// and reports that line once. stdout and stderr are fed separately (each may be fed from its own thread), in chunks
/// cut anywhere, even inside a UTF-8 character. A line is cut at <see cref="MaxLineBytes"/> (by a
/// <see cref="LineSplitter"/>, unmarked, never inside a character), so a huge line cannot grow memory; each match
/// is bounded by <see cref="MatchTimeout"/>. After the match, or <see cref="Stop"/>, a feed returns at once and the
/// buffers are gone.
/// </summary>
internal sealed class ReadyLineWatcher
{
    /// <summary>The longest line looked at whole; a longer one is cut there and its rest looked at as further lines.</summary>
    public const int MaxLineBytes = 4 * 1024;

    /// <summary>The most one line's match may take; past it, the line does not match.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Regex _regex;
    private readonly Action<string> _seen;
    private readonly Lock _gate = new();
    private readonly LineSplitter[] _splitters = [new(MaxLineBytes, continuationMarker: null), new(MaxLineBytes, continuationMarker: null)];
    private volatile bool _done;

    /// <summary>Creates a watcher.</summary>
    /// <param name="pattern">A .NET regular expression, matched against each line without its line end.</param>
    /// <param name="seen">Called once, with the first matching line, unless <see cref="Stop"/> came first.</param>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public ReadyLineWatcher(string pattern, Action<string> seen)
    {
        _regex = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        _seen = seen;
    }

    /// <summary>Whether the watcher has stopped looking (it matched, or was stopped).</summary>
    public bool Done => _done;

    /// <summary>How many bytes the partial lines' buffers hold room for, both streams together.</summary>
    internal int BufferedCapacity => _splitters[0].BufferedCapacity + _splitters[1].BufferedCapacity;

    /// <summary>Looks at the next bytes of one stream.</summary>
    /// <param name="stream">Which stream they come from.</param>
    /// <param name="data">The bytes, as read.</param>
    public void Feed(OutputKind stream, ReadOnlySpan<byte> data)
    {
        if (_done)
        {
            return;
        }

        var splitter = _splitters[(int)stream];
        var lines = new List<string>();
        splitter.Push(data, lines);
        foreach (var line in lines)
        {
            if (_done)
            {
                break;
            }

            Look(line);
        }

        if (_done)
        {
            splitter.Release();
        }
    }

    /// <summary>The stream ended: its last line, if it had no line end, is looked at too.</summary>
    /// <param name="stream">Which stream ended.</param>
    public void Finish(OutputKind stream)
    {
        var splitter = _splitters[(int)stream];
        if (!_done && splitter.Finish() is { } last)
        {
            Look(last);
        }

        splitter.Release();
    }

    /// <summary>
    /// Stops looking. Once this returns, the callback is not running and will never be called: a run's exit is
    /// reported after its ready line, never before.
    /// </summary>
    public void Stop()
    {
        lock (_gate)
        {
            _done = true;
        }
    }

    private void Look(string line)
    {
        bool matched;
        try
        {
            matched = _regex.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            matched = false;
        }

        if (!matched)
        {
            return;
        }

        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _seen(line);
        }
    }
}
