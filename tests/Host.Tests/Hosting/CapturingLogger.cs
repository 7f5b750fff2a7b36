using KrustPm.Host.Hosting;
using Microsoft.Extensions.Logging;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>A logger of <see cref="EngineEventLog"/> that keeps every formatted line.</summary>
internal sealed class CapturingLogger : ILogger<EngineEventLog>
{
    public List<string> Lines { get; } = [];

    /// <summary>The exception of each line (null when it had none), in the same order.</summary>
    public List<Exception?> Exceptions { get; } = [];

    /// <summary>The level of each line, in the same order.</summary>
    public List<LogLevel> Levels { get; } = [];

    /// <summary>The values each line carries (what the JSON log writes as fields), by name, in the same order.</summary>
    public List<Dictionary<string, object?>> Fields { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Add(formatter(state, exception));
        Exceptions.Add(exception);
        Levels.Add(logLevel);
        Fields.Add(state is IEnumerable<KeyValuePair<string, object?>> values
            ? values.GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.First().Value)
            : []);
    }
}
