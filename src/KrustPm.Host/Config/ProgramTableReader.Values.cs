using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>Readers of the value kinds several keys share: durations, sizes, booleans.</summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>Reads a duration: a number of milliseconds, or a string such as <c>"10s"</c> (see <see cref="Units"/>).</summary>
    private bool TryReadDuration(KeyContext context, ValueSyntax? value, int minimumMilliseconds, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        if (value is StringValueSyntax { Value: { } text })
        {
            if (Units.TryParseDuration(text, out result) is { } problem)
            {
                Report(context, problem);
                return false;
            }

            if (result.TotalMilliseconds < minimumMilliseconds)
            {
                Report(context, $"expected at least {Format(minimumMilliseconds)} ms, got string {TomlSyntax.Quote(text)}");
                return false;
            }

            return true;
        }

        if (value is not IntegerValueSyntax)
        {
            Report(context, $"expected {Units.DurationExamples}, got {TomlSyntax.Describe(value)}");
            return false;
        }

        var ok = TryReadInt(context, value, minimumMilliseconds, out var milliseconds);
        result = TimeSpan.FromMilliseconds(milliseconds);
        return ok;
    }

    /// <summary>Reads a size: a number of bytes, or a string such as <c>"300M"</c> (see <see cref="Units"/>).</summary>
    private bool TryReadSize(KeyContext context, ValueSyntax? value, out long result)
    {
        result = 0;
        switch (value)
        {
            case StringValueSyntax { Value: { } text }:
                if (Units.TryParseSize(text, out result) is { } problem)
                {
                    Report(context, problem);
                    return false;
                }

                return true;
            case IntegerValueSyntax { Value: >= 0 } integer:
                result = integer.Value;
                return true;
            default:
                Report(context, $"expected {Units.SizeExamples}, got {TomlSyntax.Describe(value)}");
                return false;
        }
    }

    private bool TryReadBoolean(KeyContext context, ValueSyntax? value, out bool result)
    {
        result = value is BooleanValueSyntax { Value: true };
        if (value is BooleanValueSyntax)
        {
            return true;
        }

        Report(context, $"expected true or false, got {TomlSyntax.Describe(value)}");
        return false;
    }
}
