using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KrustPm.Host.Import;

/// <summary>Where a supervisord value goes in krust-pm, which decides how its <c>%(...)s</c> expressions translate.</summary>
internal enum FieldKind
{
    /// <summary><c>command</c>: split like a shell line, then <c>${X}</c> and placeholders expand (see <see cref="CommandEscaper"/>).</summary>
    Command,

    /// <summary><c>env</c> values: <c>${X}</c> and placeholders expand in the whole value.</summary>
    Value,

    /// <summary><c>workdir</c> and log paths: placeholders, no <c>$</c> expansion (<c>%(ENV_X)s</c> is resolved now).</summary>
    Path,

    /// <summary>Everything else: resolved now.</summary>
    Plain,
}

/// <summary>
/// supervisord's <c>%(name)s</c> expressions, translated for one program: <c>%(ENV_X)s</c> → <c>${X}</c> where krust-pm
/// expands variables (else resolved now, from this environment), <c>%(process_num)d</c> → <c>{index}</c>, or
/// <c>{port}</c> with a <c>port_base</c> when it ends a port number (<c>:80%(process_num)02d</c>), <c>%(here)s</c>,
/// <c>%(program_name)s</c>, <c>%(group_name)s</c>, <c>%(numprocs)d</c>, <c>%(host_node_name)s</c> → their values,
/// <c>%%</c> → <c>%</c>.
/// </summary>
internal sealed partial class SupervisordExpansion(
    string file, string here, string programName, string groupName, int numprocs, int numprocsStart)
{
    /// <summary>The port of instance 0 when a port number was made of <c>%(process_num)d</c>.</summary>
    public int? PortBase { get; private set; }

    /// <summary>What the translation could not keep (zero padding, <c>numprocs_start</c>), said once each.</summary>
    public SortedSet<(string Key, string Value, string Why)> Losses { get; } = [];

    public string Expand(string value, FieldKind kind, int line)
    {
        var output = new Output(kind);
        var literal = new StringBuilder();
        var position = 0;
        foreach (Match match in Expression().Matches(value))
        {
            literal.Append(value, position, match.Index - position);
            position = match.Index + match.Length;
            if (match.Value == "%%")
            {
                literal.Append('%');
                continue;
            }

            var name = match.Groups["name"].Value;
            var format = match.Groups["format"].Value;
            if (name == "process_num" && kind != FieldKind.Plain)
            {
                ProcessNumber(output, literal, format, kind);
                continue;
            }

            if (name.StartsWith("ENV_", StringComparison.Ordinal) && kind is FieldKind.Command or FieldKind.Value)
            {
                output.Literal(literal);
                output.Variable(name["ENV_".Length..]);
                continue;
            }

            literal.Append(Format(Value(name, line), format));
        }

        literal.Append(value, position, value.Length - position);
        output.Literal(literal);
        return output.ToString();
    }

    private void ProcessNumber(Output output, StringBuilder literal, string format, FieldKind kind)
    {
        var width = format.Length > 1 && int.TryParse(format.AsSpan(0, format.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 1;
        var digits = 0;
        while (digits < literal.Length && char.IsAsciiDigit(literal[literal.Length - 1 - digits]))
        {
            digits++;
        }

        var last = numprocsStart + numprocs - 1;
        if (digits > 0 && kind == FieldKind.Command && width <= 4 && last < Math.Pow(10, width))
        {
            var prefix = int.Parse(literal.ToString(literal.Length - digits, digits), CultureInfo.InvariantCulture);
            var first = (prefix * (int)Math.Pow(10, width)) + numprocsStart;
            if (first is >= 1 && first + numprocs - 1 <= 65535 && (PortBase is null || PortBase == first))
            {
                PortBase = first;
                literal.Length -= digits;
                output.Literal(literal);
                output.Placeholder("{port}");
                return;
            }
        }

        if (numprocsStart != 0)
        {
            Losses.Add(("numprocs_start", numprocsStart.ToString(CultureInfo.InvariantCulture), "krust-pm's {index} counts from 0"));
        }

        if (width > 1)
        {
            Losses.Add(($"%(process_num){format}", "zero-padded", "{index} is written without padding"));
        }

        output.Literal(literal);
        output.Placeholder("{index}");
    }

    /// <summary>The translated value being built, escaped as its field needs.</summary>
    private sealed class Output(FieldKind kind)
    {
        private readonly CommandEscaper _command = new();
        private readonly StringBuilder _text = new();

        /// <summary>Adds the literal text gathered so far, and empties it.</summary>
        public void Literal(StringBuilder literal)
        {
            var part = literal.ToString();
            literal.Clear();
            switch (kind)
            {
                case FieldKind.Command:
                    _command.Literal(part);
                    break;
                case FieldKind.Value:
                    _text.Append(TomlText.LiteralForValue(part));
                    break;
                case FieldKind.Path:
                    _text.Append(TomlText.LiteralForPath(part));
                    break;
                default:
                    _text.Append(part);
                    break;
            }
        }

        public void Variable(string name)
        {
            if (kind == FieldKind.Command)
            {
                _command.Variable(name);
            }
            else
            {
                _text.Append("${").Append(name).Append('}');
            }
        }

        public void Placeholder(string placeholder)
        {
            if (kind == FieldKind.Command)
            {
                _command.Placeholder(placeholder);
            }
            else
            {
                _text.Append(placeholder);
            }
        }

        public override string ToString() => kind == FieldKind.Command ? _command.ToString() : _text.ToString();
    }

    private string Value(string name, int line) => name switch
    {
        "here" => here,
        "program_name" => programName,
        "group_name" => groupName,
        "numprocs" => numprocs.ToString(CultureInfo.InvariantCulture),
        "process_num" => numprocsStart.ToString(CultureInfo.InvariantCulture),
        "host_node_name" => Environment.MachineName,
        _ when name.StartsWith("ENV_", StringComparison.Ordinal) =>
            Environment.GetEnvironmentVariable(name["ENV_".Length..])
                ?? throw new ImportException(file, line, $"%({name})s: {name["ENV_".Length..]} is not set in this environment, and this value is resolved when importing"),
        _ => throw new ImportException(
            file, line, $"unknown expression %({name}): supervisord knows here, program_name, group_name, process_num, numprocs, host_node_name and ENV_X"),
    };

    private static string Format(string value, string format) =>
        format.EndsWith('d') && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && format.Length > 1
            ? number.ToString("D" + format[..^1].TrimStart('0', '-', '+', ' ', '#'), CultureInfo.InvariantCulture)
            : value;

    [GeneratedRegex(@"%%|%\((?<name>[^)]+)\)(?<format>[#0\- +]*\d*(?:\.\d+)?[sdifr])")]
    private static partial Regex Expression();
}
