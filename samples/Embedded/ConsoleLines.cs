using System.Threading.Channels;

namespace Embedded;

/// <summary>
/// Prints lines on stdout from one task, in the order they were given. The engine's and the output store's handlers
/// only queue a line, so a slow terminal never holds up the engine loop or a program's output.
/// </summary>
internal sealed class ConsoleLines : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _printing;

    public ConsoleLines() => _printing = Task.Run(PrintAsync);

    public void Print(string line) => _lines.Writer.TryWrite(line);

    /// <summary>Prints what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _printing.ConfigureAwait(false);
    }

    private async Task PrintAsync()
    {
        await foreach (var line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Console.Out.WriteLine(line);
        }
    }
}
