using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>Readers of the value kinds several keys share: durations, sizes, booleans.</summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>
    /// Reads a duration: a number of milliseconds, or a string such as <c>"10s"</c> (see <see cref="Units"/>). Whether
    /// it may be zero or negative is the engine's rule.
    /// </summary>
    internal bool TryReadDuration(KeyContext context, ValueSyntax? value, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        if (value is StringValueSyntax { Value: { } text })
        {
            if (Units.TryParseDuration(text, out result) is { } problem)
            {
                Report(context, problem);
                return false;
            }

            return true;
        }

        if (value is not IntegerValueSyntax)
        {
            Report(context, $"expected {Units.DurationExamples}, got {TomlSyntax.Describe(value)}");
            return false;
        }

        var ok = TryReadInt(context, value, out var milliseconds, "a number of milliseconds");
        result = TimeSpan.FromMilliseconds(milliseconds);
        return ok;
    }

    /// <summary>
    /// Reads an integer that fits in an <see cref="int"/>; its range is the engine's rule.
    /// <paramref name="expected"/> says what the key takes, for the message about a value of another kind.
    /// </summary>
    internal bool TryReadInt(KeyContext context, ValueSyntax? value, out int result, string expected = "a non-negative integer")
    {
        result = 0;
        if (value is not IntegerValueSyntax integer)
        {
            Report(context, $"expected {expected}, got {TomlSyntax.Describe(value)}");
            return false;
        }

        if (integer.Value is > int.MaxValue or < int.MinValue)
        {
            Report(context, $"expected {expected} no larger than {Format(int.MaxValue)}, got {TomlSyntax.Describe(value)}");
            return false;
        }

        result = (int)integer.Value;
        return true;
    }

    /// <summary>Reads a size: a number of bytes, or a string such as <c>"300M"</c> (see <see cref="Units"/>).</summary>
    internal bool TryReadSize(KeyContext context, ValueSyntax? value, out long result)
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
            case IntegerValueSyntax integer:
                result = integer.Value;
                return true;
            default:
                Report(context, $"expected {Units.SizeExamples}, got {TomlSyntax.Describe(value)}");
                return false;
        }
    }

    internal bool TryReadBoolean(KeyContext context, ValueSyntax? value, out bool result)
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
