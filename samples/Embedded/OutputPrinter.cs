using System.Collections.Concurrent;
using KrustPm.Engine.Logs;

namespace Embedded;

/// <summary>Shows every line the instances write, as <c>ticker.0 | tick</c>, besides the log files.</summary>
internal sealed class OutputPrinter : IDisposable
{
    private readonly ConcurrentDictionary<OutputSink, LineSplitter> _splitters = new();
    private readonly OutputStore _store;
    private readonly ConsoleLines _console;

    public OutputPrinter(OutputStore store, ConsoleLines console)
    {
        _store = store;
        _console = console;
        _store.Written += OnWritten;
    }

    public void Dispose() => _store.Written -= OnWritten;

    private void OnWritten(OutputSink sink, ReadOnlyMemory<byte> chunk)
    {
        // Raised under the sink's lock: one splitter per stream is never used by two threads at once.
        var splitter = _splitters.GetOrAdd(sink, _ => new LineSplitter());
        foreach (var line in splitter.Push(chunk.Span))
        {
            _console.Print($"{sink.Program}.{sink.Instance}{(sink.Kind == OutputKind.Stderr ? " (stderr)" : "")} | {line}");
        }
    }
}
