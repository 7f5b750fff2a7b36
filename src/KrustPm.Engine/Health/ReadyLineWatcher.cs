using System.Text;
using System.Text.RegularExpressions;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Health;

/// <summary>
/// Watches a run's raw output for the first line that matches its program's <see cref="ProgramSpec.ReadyLogLine"/>
/// and reports that line once. stdout and stderr are fed separately (each may be fed from its own thread), in chunks
/// cut anywhere, even inside a UTF-8 character. A line is cut at <see cref="MaxLineBytes"/>, so a huge line cannot
/// grow memory; each match is bounded by <see cref="MatchTimeout"/>. After the match, or <see cref="Stop"/>, a feed
/// returns at once and the buffers are gone.
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
    private readonly Line[] _lines = [new(), new()];
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

    /// <summary>Looks at the next bytes of one stream.</summary>
    /// <param name="stream">Which stream they come from.</param>
    /// <param name="data">The bytes, as read.</param>
    public void Feed(OutputKind stream, ReadOnlySpan<byte> data)
    {
        if (_done)
        {
            return;
        }

        var line = _lines[(int)stream];
        while (!data.IsEmpty && !_done)
        {
            var end = data.IndexOf((byte)'\n');
            var room = MaxLineBytes - line.Count;
            if (end >= 0 && end <= room)
            {
                line.Append(data[..end]);
                data = data[(end + 1)..];
                Look(line.Take(line.Count));
            }
            else if (room == 0)
            {
                // Full, and more than its end follows: cut at the last character boundary, the rest starts the next line.
                Look(line.Take(line.CharBoundary()));
            }
            else
            {
                var take = Math.Min(data.Length, room);
                line.Append(data[..take]);
                data = data[take..];
            }
        }

        if (_done)
        {
            line.Release();
        }
    }

    /// <summary>The stream ended: its last line, if it had no line end, is looked at too.</summary>
    /// <param name="stream">Which stream ended.</param>
    public void Finish(OutputKind stream)
    {
        var line = _lines[(int)stream];
        if (!_done && line.Count > 0)
        {
            Look(line.Take(line.Count));
        }

        line.Release();
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
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

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

    /// <summary>The partial line of one stream, in a buffer that grows only as far as that line does.</summary>
    private sealed class Line
    {
        private byte[] _bytes = [];

        public int Count { get; private set; }

        public void Append(ReadOnlySpan<byte> data)
        {
            if (Count + data.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Min(MaxLineBytes, Math.Max(Count + data.Length, Math.Max(256, _bytes.Length * 2))));
            }

            data.CopyTo(_bytes.AsSpan(Count));
            Count += data.Length;
        }

        /// <summary>Decodes the first <paramref name="length"/> bytes and keeps the rest as the start of the next line.</summary>
        public string Take(int length)
        {
            var text = Encoding.UTF8.GetString(_bytes, 0, length);
            _bytes.AsSpan(length, Count - length).CopyTo(_bytes);
            Count -= length;
            return text;
        }

        /// <summary>Where a full buffer can be cut without splitting a UTF-8 character: before an incomplete last one.</summary>
        public int CharBoundary()
        {
            for (var start = Count - 1; start >= Count - 4 && start > 0; start--)
            {
                var lead = _bytes[start];
                if ((lead & 0xC0) == 0x80)
                {
                    continue; // a continuation byte: the character started earlier
                }

                var length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
                return start + length > Count ? start : Count;
            }

            return Count; // not UTF-8 there: cut anywhere
        }

        public void Release()
        {
            _bytes = [];
            Count = 0;
        }
    }
}
