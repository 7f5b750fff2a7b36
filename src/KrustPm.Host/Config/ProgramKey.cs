using System.Text.Json.Nodes;
using KrustPm.Engine;
using Tomlyn.Syntax;

namespace KrustPm.Host.Config;

/// <summary>Reads a key's value into the program being built, reporting a value of the wrong kind.</summary>
internal delegate void KeyReader(ProgramTableReader reader, ProgramBuilder program, KeyContext context, ValueSyntax? value);

/// <summary>
/// One key of a program table, everything about it in one place: how it is read, how the API shows it, how the docs
/// and the JSON Schema describe it. The rules between values are the engine's (<see cref="ProgramSpec.Validate"/>).
/// </summary>
/// <param name="Name">The key as written in the file.</param>
/// <param name="Type">Its type, as the docs' key table says it (Markdown).</param>
/// <param name="Default">Its default, as the docs' key table says it (Markdown).</param>
/// <param name="Description">What it means, as the docs' key table says it (Markdown).</param>
internal sealed record ProgramKey(string Name, string Type, string Default, string Description)
{
    /// <summary>Reads a plain value; <see langword="null"/> for a table key (see <see cref="IsTable"/>).</summary>
    public KeyReader? Read { get; init; }

    /// <summary>
    /// Whether the value is a table, also written as an <c>[name.key]</c> table or with dotted keys
    /// (<c>depends_on.db = "healthy"</c>): gathered from every form and read once the whole program is known.
    /// </summary>
    public bool IsTable { get; init; }

    /// <summary>The value as krust-pm applies it, for the API's <c>config</c> view; <see langword="null"/> when the key has none of its own.</summary>
    public Func<ProgramSpec, JsonNode?>? Show { get; init; }

    /// <summary>The name in the API's <c>config</c> view, when it is not the key in camelCase.</summary>
    public string? ViewName { get; init; }

    /// <summary>The JSON Schema of the value (as TOML values map to JSON, which is how taplo and editors check TOML).</summary>
    public required Func<JsonObject> Schema { get; init; }
}

/// <summary>Where a value comes from, for its problems.</summary>
internal readonly record struct KeyContext(string Program, string Key, int? Line);
