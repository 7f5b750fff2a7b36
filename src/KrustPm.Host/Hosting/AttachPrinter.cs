using System.Collections.Concurrent;
using System.Threading.Channels;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Foreground mode (<c>--attach</c>): prints every line of every instance on krust-pm's stdout as
/// <c>name.id | line</c>, coloured per program on a terminal (never when stdout is redirected or NO_COLOR is set).
/// Printing never slows a program: lines wait in a queue bounded in lines and in characters, and a terminal too slow
/// to keep up loses lines (said in a marker line), never the log files. A line longer than 64 KiB is printed in
/// pieces, each but the last ending with <see cref="LineSplitter.ContinuationMarker"/>.
/// </summary>
internal sealed class AttachPrinter : IDisposable
{
    /// <summary>
    /// The most characters waiting to be printed (2 MiB): lines are up to 64 KiB (<see cref="LineSplitter"/>), so
    /// a count of lines alone would let a stalled stdout hold hundreds of megabytes.
    /// </summary>
    public const int MaxQueuedChars = 1024 * 1024;

    private const int MaxQueuedLines = 10_000;

    private static readonly string[] Palette = ["\u001b[36m", "\u001b[33m", "\u001b[32m", "\u001b[35m", "\u001b[34m", "\u001b[31m"];

    private readonly OutputStore _store;
    private readonly TextWriter _out;
    private readonly bool _colour;
    private readonly Lock _coloursLock = new();
    private readonly Dictionary<string, string> _colours;
    private readonly ConcurrentDictionary<OutputSink, LineSplitter> _splitters = new();
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(
        new BoundedChannelOptions(MaxQueuedLines) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly Task _printing;
    private long _dropped;
    private long _queuedChars;

    public AttachPrinter(OutputStore store, KrustConfig config, TextWriter output, bool colour)
    {
        _store = store;
        _out = output;
        _colour = colour;
        _colours = config.Programs.Select((p, i) => (p.Name, Palette[i % Palette.Length])).ToDictionary(c => c.Name, c => c.Item2);
        _store.Written += OnWritten;
        _printing = Task.Run(PrintAsync);
    }

    /// <summary>How many characters wait to be printed.</summary>
    public long QueuedChars => Interlocked.Read(ref _queuedChars);

    /// <summary>Whether colour suits this stdout: a terminal, and NO_COLOR not set.</summary>
    public static bool ColourWanted() =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public void Dispose()
    {
        _store.Written -= OnWritten;
        _lines.Writer.TryComplete();
        _printing.Wait(TimeSpan.FromSeconds(2));
    }

    /// <summary>Takes a chunk of an instance's output (from <see cref="OutputStore.Written"/>).</summary>
    internal void OnWritten(OutputSink sink, ReadOnlyMemory<byte> data)
    {
        // Called under the sink's lock: one splitter per sink is never used by two threads at once.
        var splitter = _splitters.GetOrAdd(sink, _ => new LineSplitter());
        foreach (var line in splitter.Push(data.Span))
        {
            if (Interlocked.Read(ref _queuedChars) + line.Length > MaxQueuedChars)
            {
                Interlocked.Increment(ref _dropped); // full: not even formatted
                continue;
            }

            // Reserved before queuing: several instances' copies may add at once.
            var formatted = Format(sink.Program, sink.Instance, sink.Kind, line);
            if (Interlocked.Add(ref _queuedChars, formatted.Length) > MaxQueuedChars || !_lines.Writer.TryWrite(formatted))
            {
                Interlocked.Add(ref _queuedChars, -formatted.Length);
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <summary>One line as printed: <c>name.id | line</c>, in the program's colour when colour is on.</summary>
    internal string Format(string program, long instance, OutputKind kind, string line)
    {
        var prefix = $"{program}.{instance}";
        if (!_colour)
        {
            return Plain(program, instance, line);
        }

        var colour = ColourOf(program);
        var stderr = kind == OutputKind.Stderr ? "\u001b[2m" : string.Empty;
        return $"{colour}{prefix} |\u001b[0m {stderr}{line}\u001b[0m";
    }

    /// <summary>One line as printed without colour: <c>name.id | line</c> (also how <c>krust-pm logs</c> interleaves instances).</summary>
    internal static string Plain(string program, long instance, string line) => $"{program}.{instance} | {line}";

    /// <summary>
    /// The program's colour: by its place in the file krust-pm started with, and for a program a reload added, the
    /// next colour on its first line.
    /// </summary>
    private string ColourOf(string program)
    {
        lock (_coloursLock)
        {
            if (!_colours.TryGetValue(program, out var colour))
            {
                colour = Palette[_colours.Count % Palette.Length];
                _colours[program] = colour;
            }

            return colour;
        }
    }

    private async Task PrintAsync()
    {
        await foreach (var line in _lines.Reader.ReadAllAsync())
        {
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                await _out.WriteLineAsync($"[krust-pm: {dropped} lines not shown: stdout was too slow; the log files have them]");
            }

            await _out.WriteLineAsync(line);
            Interlocked.Add(ref _queuedChars, -line.Length);
        }

        await _out.FlushAsync();
    }
}
