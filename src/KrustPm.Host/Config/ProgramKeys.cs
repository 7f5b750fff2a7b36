using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>
/// The registry of program keys: the one table that drives reading a program table, the suggestions for an unknown
/// key, the API's <c>config</c> view, the docs' key table and the JSON Schema. Adding a key is one entry here (plus the
/// <see cref="ProgramSpec"/> property it sets, its rule in <see cref="ProgramSpec.Validate"/> if it has one, and its
/// reload effect in <see cref="SpecChanges"/>).
/// </summary>
internal static partial class ProgramKeys
{
    /// <summary>Every key, in the order the documentation lists them.</summary>
    public static ImmutableArray<ProgramKey> All { get; } = [.. Running(), .. Settings()];

    private static readonly FrozenDictionary<string, ProgramKey> ByName = All.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>Every key's name.</summary>
    public static ImmutableArray<string> Names { get; } = [.. All.Select(k => k.Name)];

    /// <summary>The keys whose value is a table, also written as <c>[name.key]</c> or with dotted keys.</summary>
    public static ImmutableArray<string> TableNames { get; } = [.. All.Where(k => k.IsTable).Select(k => k.Name)];

    /// <summary>The key named <paramref name="name"/>, or <see langword="null"/> when there is none.</summary>
    public static ProgramKey? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The program's settings as krust-pm applies them (defaults included), named as the API's <c>config</c> shows them.</summary>
    public static JsonObject View(ProgramSpec spec)
    {
        var view = new JsonObject();
        foreach (var key in All)
        {
            if (key.Show?.Invoke(spec) is { } value)
            {
                view[key.ViewName ?? CamelCase(key.Name)] = value;
            }
        }

        return view;
    }

    /// <summary>The docs' key table (<c>docs/configuration.md</c>, "Program keys"), rendered from the registry.</summary>
    public static string DocsTable()
    {
        var table = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        foreach (var key in All)
        {
            table.Append($"| `{key.Name}` | {key.Type} | {key.Default} | {key.Description} |\n");
        }

        return table.ToString();
    }

    /// <summary><c>restart_delay_ms</c> as <c>restartDelayMs</c>.</summary>
    public static string CamelCase(string key)
    {
        var camel = new StringBuilder(key.Length);
        var upper = false;
        foreach (var c in key)
        {
            (upper, _) = c == '_' ? (true, camel) : (false, camel.Append(upper ? char.ToUpperInvariant(c) : c));
        }

        return camel.ToString();
    }

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)v)];

    private static long Milliseconds(TimeSpan value) => (long)value.TotalMilliseconds;
}
