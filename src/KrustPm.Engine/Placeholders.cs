using System.Collections.Immutable;
using System.Text;

namespace KrustPm.Engine;

/// <summary>
/// The placeholder grammar of per-instance settings (<c>command</c>/<c>args</c>, <c>env</c> values, <c>workdir</c>,
/// <c>stdout_log</c>/<c>stderr_log</c>): one class that both checks a template and expands it for an instance, so the
/// config check and the launch read the same grammar.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>{program}</c>, <c>{id}</c>, <c>{index}</c> and <c>{port}</c> (only with <see cref="ProgramSpec.PortBase"/>)
/// are replaced by the instance's values.</item>
/// <item><c>{{</c> and <c>}}</c> are a literal <c>{</c> and <c>}</c>.</item>
/// <item>Any other bare identifier in braces (<c>{nope}</c>) is an error, and so is an identifier opened and never
/// closed (<c>{index</c> at the end).</item>
/// <item>Anything else in braces that is not a bare identifier (<c>{print $1}</c>, <c>{}</c>, <c>{a,b}</c>) is left
/// as written, so awk programs, <c>find -exec {}</c> and shell brace lists pass through.</item>
/// </list>
/// </remarks>
public static class Placeholders
{
    /// <summary>The program's name.</summary>
    public const string Program = "program";

    /// <summary>The instance's id (unique within its program, never reused).</summary>
    public const string Id = "id";

    /// <summary>The instance's index: 0 to instances-1, kept for its life, reused after a removal.</summary>
    public const string Index = "index";

    /// <summary>The instance's port: <see cref="ProgramSpec.PortBase"/> plus its index.</summary>
    public const string Port = "port";

    /// <summary>The placeholder names, in the order the docs list them.</summary>
    public static ImmutableArray<string> Names { get; } = [Program, Id, Index, Port];

    /// <summary>
    /// The problems of a template, each a message naming the placeholder (empty when it is fine): an unknown
    /// placeholder, one that is never closed, or <c>{port}</c> without a port base.
    /// </summary>
    /// <param name="template">The text as configured.</param>
    /// <param name="hasPortBase">Whether the program sets a port base (so <c>{port}</c> is defined).</param>
    public static ImmutableArray<string> Check(string template, bool hasPortBase)
    {
        ArgumentNullException.ThrowIfNull(template);
        var problems = ImmutableArray.CreateBuilder<string>();
        Walk(template, literal: null, placeholder: name =>
        {
            if (!IsKnown(name))
            {
                problems.Add($"unknown placeholder {{{name}}} (known: {{program}}, {{id}}, {{index}}, {{port}}; write {{{{ and }}}} for literal braces)");
            }
            else if (name == Port && !hasPortBase)
            {
                problems.Add("placeholder {port} needs port_base (the port of instance index i is port_base + i)");
            }
        }, unclosed: name => problems.Add($"placeholder {{{name} is not closed (write {{{{ for a literal brace)"));
        return problems.ToImmutable();
    }

    /// <summary>Whether a template has any placeholder or escaped brace, that is, whether expanding it can change it.</summary>
    /// <param name="template">The text as configured.</param>
    public static bool HasAny(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Contains('{') || template.Contains("}}", StringComparison.Ordinal);
    }

    /// <summary>
    /// The template with its placeholders replaced by the instance's values and <c>{{</c>/<c>}}</c> by single braces.
    /// A template that <see cref="Check"/> finds wrong keeps its wrong parts as written.
    /// </summary>
    /// <param name="template">The text as configured.</param>
    /// <param name="values">The instance's values.</param>
    public static string Expand(string template, PlaceholderValues values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        if (!HasAny(template))
        {
            return template;
        }

        var text = new StringBuilder(template.Length + 16);
        Walk(
            template,
            literal: part => text.Append(part),
            placeholder: name => text.Append(ValueOf(name, values) ?? $"{{{name}}}"),
            unclosed: name => text.Append('{').Append(name));
        return text.ToString();
    }

    private static bool IsKnown(string name) => name is Program or Id or Index or Port;

    private static string? ValueOf(string name, PlaceholderValues values) => name switch
    {
        Program => values.Program,
        Id => values.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Index => values.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Port => values.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>One pass over a template: literal runs, placeholders (bare identifiers in braces) and unclosed ones.</summary>
    private static void Walk(string template, Action<string>? literal, Action<string> placeholder, Action<string> unclosed)
    {
        var start = 0; // the start of the literal run not yet reported
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal?.Invoke(template[start..i] + c);
                i += 2;
                start = i;
                continue;
            }

            if (c != '{')
            {
                i++;
                continue;
            }

            var end = i + 1;
            while (end < template.Length && IsIdentifierChar(template[end], first: end == i + 1))
            {
                end++;
            }

            if (end == i + 1)
            {
                i++; // "{}" or "{ ...": not a placeholder
                continue;
            }

            if (end == template.Length)
            {
                literal?.Invoke(template[start..i]);
                unclosed(template[(i + 1)..end]);
                i = end;
                start = end;
                continue;
            }

            if (template[end] != '}')
            {
                i++; // "{print $1}", "{a,b}": not a bare identifier, left as written
                continue;
            }

            literal?.Invoke(template[start..i]);
            placeholder(template[(i + 1)..end]);
            i = end + 1;
            start = i;
        }

        if (start < template.Length)
        {
            literal?.Invoke(template[start..]);
        }
    }

    private static bool IsIdentifierChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (!first && c is >= '0' and <= '9');
}

/// <summary>The values an instance's placeholders expand to.</summary>
/// <param name="Program">The program's name: <c>{program}</c>.</param>
/// <param name="Id">The instance's id: <c>{id}</c>.</param>
/// <param name="Index">The instance's index: <c>{index}</c>.</param>
/// <param name="Port">The instance's port (<see cref="ProgramSpec.PortBase"/> + index), or <see langword="null"/> without a port base: <c>{port}</c>.</param>
public sealed record PlaceholderValues(string Program, long Id, int Index, int? Port)
{
    /// <summary>The values of one instance of a program.</summary>
    /// <param name="spec">The program.</param>
    /// <param name="id">The instance's id.</param>
    /// <param name="index">The instance's index.</param>
    public static PlaceholderValues Of(ProgramSpec spec, long id, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(spec.Name, id, index, spec.PortBase is { } portBase ? portBase + index : null);
    }
}
