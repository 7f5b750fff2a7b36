using System.Collections.Immutable;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>
/// The settings people migrate with from supervisord and PM2: <c>autostart</c>, <c>success_exit_codes</c>,
/// <c>stop_signal_target</c>, <c>port_base</c>, <c>groups</c>, <c>umask</c>, <c>nice</c>, the log paths and
/// switches. (<c>rlimits</c> is a table key: see the Limits part.)
/// </summary>
internal sealed partial class ProgramTableReader
{
    /// <summary>Reads <c>log</c>: <see langword="true"/>, <see langword="false"/> or <c>"inherit"</c>.</summary>
    internal void ReadLog(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is BooleanValueSyntax keep)
        {
            program.Spec = program.Spec with { Log = program.Spec.Log with { Enabled = keep.Value, Inherit = false } };
        }
        else if (value is StringValueSyntax { Value: "inherit" })
        {
            program.Spec = program.Spec with { Log = program.Spec.Log with { Inherit = true } };
        }
        else
        {
            Report(context, $"expected true, false or \"inherit\", got {TomlSyntax.Describe(value)}");
        }
    }

    internal void ReadSuccessExitCodes(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not ArraySyntax array)
        {
            Report(context, $"expected a non-empty array of exit codes such as [0, 2], got {TomlSyntax.Describe(value)}");
            return;
        }

        var codes = ImmutableArray.CreateBuilder<int>();
        var index = 0;
        foreach (var item in array.Items)
        {
            index++;
            var at = context with { Line = TomlSyntax.LineOf(item.Value) ?? context.Line };
            program.ItemLine(context.Key, at.Line);
            if (item.Value is not IntegerValueSyntax { Value: >= int.MinValue and <= int.MaxValue } code)
            {
                Report(at, $"item {Format(index)}: expected an exit code from 0 to 255, got {TomlSyntax.Describe(item.Value)}");
            }
            else
            {
                codes.Add((int)code.Value);
            }
        }

        program.Spec = program.Spec with { SuccessExitCodes = codes.ToImmutable() };
    }

    internal void ReadSignalTarget(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        var match = value is StringValueSyntax { Value: { } text } ? ProgramKeyValues.SignalTargets.FirstOrDefault(t => t.Name == text) : default;
        if (match.Name is null)
        {
            Report(context, $"expected \"group\" or \"main\", got {TomlSyntax.Describe(value)}");
            return;
        }

        program.Spec = program.Spec with { StopSignalTarget = match.Target };
    }

    /// <summary>Reads <c>groups</c>: an array of group names, each following the rules of program names.</summary>
    internal void ReadGroups(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not ArraySyntax array)
        {
            Report(context, $"expected an array of group names such as [\"web\"], got {TomlSyntax.Describe(value)}");
            return;
        }

        var groups = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in array.Items)
        {
            index++;
            var at = context with { Line = TomlSyntax.LineOf(item.Value) ?? context.Line };
            program.ItemLine(context.Key, at.Line);
            if (item.Value is not StringValueSyntax { Value: { } group })
            {
                Report(at, $"item {Format(index)}: expected a group name, got {TomlSyntax.Describe(item.Value)}");
            }
            else
            {
                groups.Add(group);
            }
        }

        program.Spec = program.Spec with { Groups = groups.ToImmutable() };
    }

    /// <summary>
    /// Reads <c>umask</c>: a string of octal digits (<c>"022"</c>, as supervisord and the shell write it) or a TOML
    /// octal integer (<c>0o022</c>). A decimal integer is refused: <c>umask = 22</c> would silently mean <c>0o026</c>.
    /// </summary>
    internal void ReadUmask(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        const string Expected = "expected octal digits as a string such as \"022\", or an octal integer such as 0o022 (at most 0o777)";
        int? umask = value switch
        {
            StringValueSyntax { Value: { Length: > 0 and <= 4 } text } when text.All(c => c is >= '0' and <= '7') =>
                Convert.ToInt32(text, 8),
            IntegerValueSyntax { Token.Text: { } token, Value: >= 0 and <= int.MaxValue } integer
                when token.StartsWith("0o", StringComparison.Ordinal) || integer.Value == 0 => (int)integer.Value,
            _ => null,
        };
        if (umask is not { } mask)
        {
            var hint = value is IntegerValueSyntax { Value: > 0 } ? " (a decimal number is ambiguous here)" : string.Empty;
            Report(context, $"{Expected}, got {TomlSyntax.Describe(value)}{hint}");
            return;
        }

        program.Spec = program.Spec with { Process = program.Spec.Process with { Umask = mask } };
    }

    /// <summary>Reads <c>cpu_max</c>: a percentage of one CPU as a string, <c>"50%"</c>.</summary>
    internal void ReadCpuMax(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: [.. var digits, '%'] } || digits.Length is 0 or > 6 || !digits.All(char.IsAsciiDigit))
        {
            Report(context, $"expected a percentage of one CPU as a string such as \"50%\" (half a CPU) or \"200%\" (two), got {TomlSyntax.Describe(value)}");
            return;
        }

        program.Spec = program.Spec with { Process = program.Spec.Process with { CpuMax = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) } };
    }

    /// <summary>Reads <c>stdout_log</c> or <c>stderr_log</c>: a file path, relative to the config file's folder.</summary>
    internal void ReadLogPath(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: { Length: > 0 } text })
        {
            Report(context, $"expected a file path string such as \"/var/log/web/{{program}}.{{id}}.log\", got {TomlSyntax.Describe(value)}");
            return;
        }

        if (ProgramRules.OsStringProblem(text) is { } nul)
        {
            Report(context, nul); // before the path is resolved, which a NUL would break
            return;
        }

        if (text.EndsWith('/'))
        {
            Report(context, $"expected a file path, got the folder {TomlSyntax.Quote(text)}");
            return;
        }

        string full;
        try
        {
            full = Path.GetFullPath(text, configDirectory);
        }
        catch (ArgumentException)
        {
            Report(context, $"invalid path {TomlSyntax.Quote(text)}");
            return;
        }

        program.Spec = context.Key == "stdout_log"
            ? program.Spec with { Log = program.Spec.Log with { StdoutPath = full } }
            : program.Spec with { Log = program.Spec.Log with { StderrPath = full } };
    }
}
