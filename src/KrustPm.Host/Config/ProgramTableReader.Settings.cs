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
    /// <summary>The values of <c>stop_signal_target</c>, as written in the file.</summary>
    public static readonly ImmutableArray<(string Name, SignalTarget Target)> SignalTargets =
        [("group", SignalTarget.Group), ("main", SignalTarget.Main)];

    private const int MaxPort = 65535;

    /// <summary>Reads one of the settings keys.</summary>
    /// <returns>Whether <paramref name="context"/>'s key is one of them.</returns>
    private bool ReadSetting(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        switch (context.Key)
        {
            case "autostart":
                program.Spec = TryReadBoolean(context, value, out var autostart) ? program.Spec with { Autostart = autostart } : program.Spec;
                return true;
            case "success_exit_codes":
                ReadSuccessExitCodes(program, context, value);
                return true;
            case "stop_signal_target":
                ReadSignalTarget(program, context, value);
                return true;
            case "port_base":
                if (value is IntegerValueSyntax { Value: >= 1 and <= MaxPort } port)
                {
                    program.Spec = program.Spec with { PortBase = (int)port.Value };
                    program.PortBaseLine = context.Line;
                }
                else
                {
                    Report(context, $"expected a port from 1 to {Format(MaxPort)}, got {TomlSyntax.Describe(value)}");
                }

                return true;
            case "groups":
                ReadGroups(program, context, value);
                return true;
            case "umask":
                ReadUmask(program, context, value);
                return true;
            case "nice":
                if (value is IntegerValueSyntax { Value: >= -20 and <= 19 } nice)
                {
                    program.Spec = program.Spec with { Process = program.Spec.Process with { Nice = (int)nice.Value } };
                }
                else
                {
                    Report(context, $"expected an integer from -20 (most favoured) to 19, got {TomlSyntax.Describe(value)}");
                }

                return true;
            case "stdout_log" or "stderr_log":
                ReadLogPath(program, context, value);
                return true;
            case "merge_stderr":
                if (TryReadBoolean(context, value, out var merge))
                {
                    program.Spec = program.Spec with { Log = program.Spec.Log with { MergeStderr = merge } };
                    program.MergeStderrLine = context.Line;
                }

                return true;
            case "log_timestamps":
                program.Spec = TryReadBoolean(context, value, out var timestamps)
                    ? program.Spec with { Log = program.Spec.Log with { Timestamps = timestamps } }
                    : program.Spec;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads <c>log</c>: <see langword="true"/>, <see langword="false"/> or <c>"inherit"</c>.</summary>
    private void ReadLog(ProgramBuilder program, KeyContext context, ValueSyntax? value)
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

    private void ReadSuccessExitCodes(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not ArraySyntax { Items.ChildrenCount: > 0 } array)
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
            if (item.Value is not IntegerValueSyntax { Value: >= 0 and <= 255 } code)
            {
                Report(at, $"item {Format(index)}: expected an exit code from 0 to 255, got {TomlSyntax.Describe(item.Value)}");
            }
            else if (codes.Contains((int)code.Value))
            {
                Report(at, $"item {Format(index)}: {Format((int)code.Value)} is listed twice");
            }
            else
            {
                codes.Add((int)code.Value);
            }
        }

        program.Spec = program.Spec with { SuccessExitCodes = codes.ToImmutable() };
    }

    private void ReadSignalTarget(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        var match = value is StringValueSyntax { Value: { } text } ? SignalTargets.FirstOrDefault(t => t.Name == text) : default;
        if (match.Name is null)
        {
            Report(context, $"expected \"group\" or \"main\", got {TomlSyntax.Describe(value)}");
            return;
        }

        program.Spec = program.Spec with { StopSignalTarget = match.Target };
    }

    /// <summary>Reads <c>groups</c>: an array of group names, each following the rules of program names.</summary>
    private void ReadGroups(ProgramBuilder program, KeyContext context, ValueSyntax? value)
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
            if (item.Value is not StringValueSyntax { Value: { } group })
            {
                Report(at, $"item {Format(index)}: expected a group name, got {TomlSyntax.Describe(item.Value)}");
            }
            else if (ProgramRules.NameProblem(group) is { } problem)
            {
                Report(at, $"item {Format(index)}: invalid group name {TomlSyntax.Quote(group)}: {problem}");
            }
            else if (groups.Contains(group))
            {
                Report(at, $"item {Format(index)}: '{group}' is listed twice");
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
    private void ReadUmask(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        const string Expected = "expected octal digits as a string such as \"022\", or an octal integer such as 0o022 (at most 0o777)";
        int? umask = value switch
        {
            StringValueSyntax { Value: { Length: > 0 and <= 4 } text } when text.All(c => c is >= '0' and <= '7') =>
                Convert.ToInt32(text, 8),
            IntegerValueSyntax { Token.Text: { } token, Value: >= 0 and <= 511 } integer
                when token.StartsWith("0o", StringComparison.Ordinal) || integer.Value == 0 => (int)integer.Value,
            _ => null,
        };
        if (umask is not { } mask || mask > 511)
        {
            var hint = value is IntegerValueSyntax { Value: > 0 } ? " (a decimal number is ambiguous here)" : string.Empty;
            Report(context, $"{Expected}, got {TomlSyntax.Describe(value)}{hint}");
            return;
        }

        program.Spec = program.Spec with { Process = program.Spec.Process with { Umask = mask } };
    }

    /// <summary>Reads <c>stdout_log</c> or <c>stderr_log</c>: a file path, relative to the config file's folder.</summary>
    private void ReadLogPath(ProgramBuilder program, KeyContext context, ValueSyntax? value)
    {
        if (value is not StringValueSyntax { Value: { Length: > 0 } text })
        {
            Report(context, $"expected a file path string such as \"/var/log/web/{{program}}.{{id}}.log\", got {TomlSyntax.Describe(value)}");
            return;
        }

        if (ProgramRules.OsStringProblem(text) is { } nul)
        {
            Report(context, nul);
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
        program.Templates.Add((context.Key, context.Line, text));
        if (context.Key == "stderr_log")
        {
            program.StderrLogLine = context.Line;
        }
    }

    /// <summary>The rules between settings keys, checked once the whole table is read.</summary>
    private void CheckSettings(ProgramBuilder program)
    {
        var spec = program.Spec;
        foreach (var (key, line, text) in program.Templates)
        {
            foreach (var problem in Placeholders.Check(text, spec.PortBase is not null))
            {
                problems.AddKey(line, spec.Name, key, problem);
            }
        }

        if (program.PortBaseLine is { } portLine && spec.PortBase is { } portBase && (long)portBase + spec.MaxInstances - 1 > MaxPort)
        {
            problems.AddKey(
                portLine,
                spec.Name,
                "port_base",
                $"{Format(portBase)} + max_instances ({Format(spec.MaxInstances)}) would give ports beyond {Format(MaxPort)}; the last instance gets port_base + max_instances - 1");
        }

        if (spec.Log.MergeStderr && spec.Log.StderrPath is not null)
        {
            problems.AddKey(
                program.StderrLogLine,
                spec.Name,
                "stderr_log",
                "has no effect with merge_stderr = true (stderr goes to the stdout log); remove one of them");
        }

        if (spec.Log.Inherit && spec.ReadyLogLine is not null)
        {
            problems.AddKey(
                program.ReadyLogLineLine,
                spec.Name,
                "ready_log_line",
                "needs captured output, but log = \"inherit\" passes the output straight to krust-pm's own");
        }
    }
}
