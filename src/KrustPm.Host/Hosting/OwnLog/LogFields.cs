using System.Collections;

namespace KrustPm.Host.Hosting.OwnLog;

/// <summary>
/// A log line's state when the values a JSON reader wants (<c>exitCode</c>, <c>signal</c>, <c>delayMs</c>) are not all
/// words of the sentence: the message is given whole and every field travels beside it, as the generated
/// <c>[LoggerMessage]</c> states carry theirs.
/// </summary>
internal sealed class LogFields(string message, IReadOnlyList<KeyValuePair<string, object?>> fields) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public static readonly Func<LogFields, Exception?, string> Format = (state, _) => state.Message;

    public string Message { get; } = message;

    public int Count => fields.Count;

    public KeyValuePair<string, object?> this[int index] => fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
