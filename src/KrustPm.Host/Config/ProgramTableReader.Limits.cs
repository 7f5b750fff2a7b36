using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// The <c>rlimits</c> table: <c>rlimits = { nofile = 65536, core = 0 }</c>, also <c>[web.rlimits]</c> or
/// <c>rlimits.nofile = { soft = 1024, hard = 4096 }</c>.
/// </summary>
internal sealed partial class ProgramTableReader
{
    private void ReadLimits(ProgramBuilder program, TableKey table)
    {
        var context = new KeyContext(program.Name, "rlimits", table.Line);
        if (table.HasValue)
        {
            Report(context, $"expected a table of limits such as {{ nofile = 65536, core = 0 }}, got {TomlSyntax.Describe(table.Value)}");
            return;
        }

        var limits = program.Spec.Process.Limits;
        foreach (var entry in table.Entries)
        {
            var at = new KeyContext(program.Name, $"rlimits.{entry.Key}", entry.Line);
            var known = ProgramKeyValues.LimitNames.FirstOrDefault(l => l.Name == entry.Key);
            if (known.Name is null)
            {
                var names = string.Join(", ", ProgramKeyValues.LimitNames.Select(l => l.Name));
                var suggestion = KeySuggester.Suggest(entry.Key, [.. ProgramKeyValues.LimitNames.Select(l => l.Name)]) is { } near ? $" (did you mean '{near}'?)" : string.Empty;
                problems.AddAboutKey(at.Line, program.Name, at.Key, $"unknown limit '{entry.Key}'{suggestion}; the limits are {names}");
                continue;
            }

            if (ReadLimit(at, entry.Value, known.InBytes) is { } limit)
            {
                limits = limits.SetItem(entry.Key, limit);
            }
        }

        program.Spec = program.Spec with { Process = program.Spec.Process with { Limits = limits } };
    }

    /// <summary>A limit: one value for both soft and hard, or <c>{ soft = ..., hard = ... }</c>.</summary>
    private ResourceLimit? ReadLimit(KeyContext context, ValueSyntax? value, bool inBytes)
    {
        if (value is not InlineTableSyntax inline)
        {
            return ReadLimitValue(context, value, inBytes) is { } both ? new ResourceLimit(both, both) : null;
        }

        ulong? soft = null, hard = null;
        var ok = true;
        foreach (var item in inline.Items.Select(i => i.KeyValue).OfType<KeyValueSyntax>())
        {
            var part = TomlSyntax.KeyText(item.Key);
            var at = context with { Key = $"{context.Key}.{part}", Line = TomlSyntax.LineOf(item.Key) ?? context.Line };
            var read = part is "soft" or "hard" ? ReadLimitValue(at, item.Value, inBytes) : null;
            if (part is not ("soft" or "hard"))
            {
                problems.AddAboutKey(at.Line, context.Program, at.Key, $"unknown key '{at.Key}' (a limit has 'soft' and 'hard')");
            }

            ok &= read is not null;
            (soft, hard) = part == "soft" ? (read, hard) : part == "hard" ? (soft, read) : (soft, hard);
        }

        if (!ok)
        {
            return null;
        }

        if (soft is null || hard is null)
        {
            Report(context, "expected both 'soft' and 'hard', such as { soft = 1024, hard = 4096 }");
            return null;
        }

        if (soft > hard)
        {
            Report(context, "the soft limit is above the hard limit");
            return null;
        }

        return new ResourceLimit(soft.Value, hard.Value);
    }

    private ulong? ReadLimitValue(KeyContext context, ValueSyntax? value, bool inBytes)
    {
        switch (value)
        {
            case IntegerValueSyntax { Value: >= 0 } number:
                return (ulong)number.Value;
            case StringValueSyntax { Value: "unlimited" or "infinity" }:
                return ResourceLimit.Unlimited;
            case StringValueSyntax { Value: { } text } when inBytes:
                if (Units.TryParseSize(text, out var bytes) is { } problem)
                {
                    Report(context, $"{problem}, or \"unlimited\"");
                    return null;
                }

                return (ulong)bytes;
            default:
                var expected = inBytes ? "a number of bytes, a size such as \"1G\", or \"unlimited\"" : "a non-negative integer or \"unlimited\"";
                Report(context, $"expected {expected}, got {TomlSyntax.Describe(value)}");
                return null;
        }
    }
}
