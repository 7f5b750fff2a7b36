using System.Text;

namespace KrustPm.Engine.Logs;

/// <summary>
/// Cuts a byte stream into lines (without their line ends), keeping a partial last line until its end arrives. A
/// line longer than <see cref="MaxLineBytes"/> is cut into pieces of at most that many bytes (never inside a UTF-8
/// character), and every piece but the last ends with <see cref="ContinuationMarker"/>: however long a line, the
/// splitter holds at most one piece.
/// </summary>
public sealed class LineSplitter
{
    /// <summary>The longest line kept whole: 64 KiB.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// Ends every piece of a cut line but the last, so that a reader can tell a cut from a line end. The log files
    /// keep the program's bytes as they came: only the lines read from them (tail, follow, foreground mode) carry it.
    /// </summary>
    public const string ContinuationMarker = " [krust-pm: line continues]";

    /// <summary>A buffer grown past this for a long line is given back once that line is done.</summary>
    private const int KeptCapacity = 4096;

    private readonly int _maxLineBytes;
    private readonly string _marker;
    private byte[] _partial = [];
    private int _count;

    /// <summary>Creates a splitter cutting at <see cref="MaxLineBytes"/>, marking cuts with <see cref="ContinuationMarker"/>.</summary>
    public LineSplitter()
        : this(MaxLineBytes, ContinuationMarker)
    {
    }

    /// <summary>Creates a splitter with its own limit; <paramref name="continuationMarker"/> null leaves cuts unmarked.</summary>
    internal LineSplitter(int maxLineBytes, string? continuationMarker)
    {
        _maxLineBytes = maxLineBytes;
        _marker = continuationMarker ?? string.Empty;
    }

    /// <summary>How many bytes the buffer of the partial line holds room for.</summary>
    internal int BufferedCapacity => _partial.Length;

    /// <summary>Adds bytes; returns the lines they complete.</summary>
    /// <param name="data">The next bytes of the stream.</param>
    /// <returns>
    /// The completed lines and pieces of cut lines, decoded as UTF-8 (invalid bytes become U+FFFD), a trailing
    /// <c>\r</c> removed.
    /// </returns>
    public List<string> Push(ReadOnlySpan<byte> data)
    {
        var lines = new List<string>();
        Push(data, lines);
        return lines;
    }

    /// <summary>The partial last line, if any (at the end of a stream).</summary>
    /// <returns>The line, or <see langword="null"/> when there is none.</returns>
    public string? Finish() => _count > 0 ? Take(_count, string.Empty) : null;

    /// <summary>Adds bytes, appending the lines they complete to <paramref name="lines"/>.</summary>
    /// <param name="data">The next bytes of the stream.</param>
    /// <param name="lines">Where the completed lines go.</param>
    /// <param name="ends">
    /// When given, gets for each line added to <paramref name="lines"/> where it ended in <paramref name="data"/>: the
    /// index just after its line end, or -1 for a piece of a cut line (its end may lie in an earlier chunk).
    /// </param>
    internal void Push(ReadOnlySpan<byte> data, List<string> lines, List<int>? ends = null)
    {
        var length = data.Length;
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            var room = _maxLineBytes - _count;
            if (end >= 0 && end <= room)
            {
                Append(data[..end]);
                lines.Add(Take(_count, string.Empty));
                data = data[(end + 1)..];
                ends?.Add(length - data.Length);
            }
            else if (room == 0)
            {
                // Full, and more than its end follows: cut here. Not earlier, when the chunk ended: a line of exactly
                // the limit whose newline comes in the next chunk is one line, as it is when both come together.
                lines.Add(Take(CharBoundary(), _marker));
                ends?.Add(-1);
            }
            else
            {
                var take = Math.Min(data.Length, room);
                Append(data[..take]);
                data = data[take..];
            }
        }
    }

    /// <summary>Forgets the partial line and gives its buffer back.</summary>
    internal void Release()
    {
        _partial = [];
        _count = 0;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_count + data.Length > _partial.Length)
        {
            var size = Math.Min(_maxLineBytes, Math.Max(_count + data.Length, Math.Max(256, _partial.Length * 2)));
            Array.Resize(ref _partial, size);
        }

        data.CopyTo(_partial.AsSpan(_count));
        _count += data.Length;
    }

    /// <summary>Decodes the first <paramref name="length"/> bytes as a line; the rest starts the next one.</summary>
    private string Take(int length, string suffix)
    {
        var span = _partial.AsSpan(0, length);
        if (suffix.Length == 0 && span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        var line = suffix.Length == 0 ? Encoding.UTF8.GetString(span) : WithSuffix(_partial, length, suffix);
        var rest = _count - length;
        if (rest == 0 && _partial.Length > KeptCapacity)
        {
            _partial = []; // a long line is over: quiet streams hold no large buffer
        }
        else
        {
            _partial.AsSpan(length, rest).CopyTo(_partial);
        }

        _count = rest;
        return line;
    }

    /// <summary>The first <paramref name="length"/> bytes decoded, then <paramref name="suffix"/>, as one string.</summary>
    private static string WithSuffix(byte[] bytes, int length, string suffix) =>
        string.Create(
            Encoding.UTF8.GetCharCount(bytes, 0, length) + suffix.Length,
            (bytes, length, suffix),
            static (chars, state) =>
            {
                var decoded = Encoding.UTF8.GetChars(state.bytes.AsSpan(0, state.length), chars);
                state.suffix.CopyTo(chars[decoded..]);
            });

    /// <summary>Where a full buffer can be cut without splitting a UTF-8 character: before an incomplete last one.</summary>
    private int CharBoundary()
    {
        for (var start = _count - 1; start >= _count - 4 && start > 0; start--)
        {
            var lead = _partial[start];
            if ((lead & 0xC0) == 0x80)
            {
                continue; // a continuation byte: the character started earlier
            }

            var length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            return start + length > _count ? start : _count;
        }

        return _count; // not UTF-8 there: cut anywhere
    }
}
