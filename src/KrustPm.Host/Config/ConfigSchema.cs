using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KrustPm.Host.Config;

/// <summary>
/// The JSON Schema (draft-07, which taplo and the Even Better TOML editor extension read) of a krust-pm.toml: the
/// top-level keys, and every other table a program whose keys come from the key registry (<see cref="ProgramKeys"/>).
/// <c>krust-pm schema</c> prints it; <c>schema/krust-pm.schema.json</c> is its committed copy.
/// </summary>
internal static class ConfigSchema
{
    /// <summary>Where the committed copy lives in the repository, and where a config file's <c>#:schema</c> points.</summary>
    public const string RepositoryPath = "schema/krust-pm.schema.json";

    /// <summary>The schema of each top-level key, in <see cref="ConfigDocumentReader.TopLevelKeys"/> order, with what it means.</summary>
    private static ImmutableArray<(string Key, Func<JsonObject> Schema, string Description)> TopLevel() =>
    [
        (ConfigDocumentReader.ServerPortKey, () => new() { ["type"] = new JsonArray("string", "integer") }, "Where the HTTP API listens: \"host:port\", \"unix:PATH\" or a port."),
        (ConfigDocumentReader.IncludeKey, () => new() { ["anyOf"] = new JsonArray(KeySchemas.String(), KeySchemas.StringArray()) }, "More files whose programs belong to this configuration: paths or glob patterns such as \"conf.d/*.toml\"."),
        ("log_dir", KeySchemas.String, "Where instances' output files go, relative to the config file's folder."),
        ("log_format", KeySchemas.OneOf("text", "json"), "krust-pm's own log on stderr: text or json."),
        ("attach", KeySchemas.Boolean, "Also print every line of every instance on stdout."),
        ("auth_token", KeySchemas.String, "The bearer token every API request but /healthz must carry (at least 16 characters), or \"env:VARIABLE\"."),
        ("read_only", KeySchemas.Boolean, "Every API endpoint that changes something answers 403."),
        (ConfigDocumentReader.WatchConfigKey, KeySchemas.Boolean, "Reload the configuration when its files change."),
        ("max_streams", KeySchemas.Integer(1, KrustConfig.MaxMaxStreams), "The most log followers and event streams served at once."),
        (ConfigDocumentReader.SampleIntervalKey, KeySchemas.Duration, "How often krust-pm samples the CPU and memory of every running instance; 0 turns it off."),
        ("metrics_public", KeySchemas.Boolean, "GET /metrics answers without the token to requests from this machine."),
        ("exit_when", KeySchemas.OneOf([.. ConfigDocumentReader.ExitRules.Select(r => r.Name)]), "Stop krust-pm by itself once an instance failed for good, or once every instance has ended."),
        ("subreaper", KeySchemas.Boolean, "Adopt and reap the orphans of the programs when krust-pm is not PID 1."),
        ("cgroup", KeySchemas.String, "How krust-pm contains its programs' processes: \"off\", \"auto\" or the absolute path of a cgroup v2 directory."),
        ("journal", KeySchemas.Boolean, "Keep a journal, so that a restart of krust-pm keeps what operators decided."),
        ("journal_dir", KeySchemas.String, "Where the journal's segment files go, relative to the config file's folder."),
        ("journal_max_bytes", KeySchemas.Size, "A journal segment is closed once it holds this many bytes (at least 65536)."),
        ("journal_max_segments", KeySchemas.Integer(2, 10000), "How many journal segments are kept."),
        ("journal_fsync", KeySchemas.OneOf("never", "batch"), "Whether the disk is asked to keep each batch before its effects happen."),
    ];

    /// <summary>The schema.</summary>
    /// <exception cref="InvalidOperationException">A top-level key has no schema (a test keeps the two lists equal).</exception>
    public static JsonObject Build()
    {
        var topLevel = TopLevel();
        if (topLevel.Select(t => t.Key).Order(StringComparer.Ordinal).SequenceEqual(ConfigDocumentReader.TopLevelKeys.Order(StringComparer.Ordinal)) is false)
        {
            throw new InvalidOperationException("Every top-level key needs a schema in ConfigSchema.TopLevel.");
        }

        var properties = new JsonObject();
        foreach (var (key, schema, description) in topLevel)
        {
            properties[key] = Described(schema(), description);
        }

        var programKeys = new JsonObject();
        foreach (var key in ProgramKeys.All)
        {
            programKeys[key.Name] = Described(key.Schema(), key.Description);
        }

        return new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
            ["$id"] = "https://github.com/krust-pm/krust-pm/" + RepositoryPath,
            ["title"] = "krust-pm configuration",
            ["description"] = "krust-pm.toml: top-level settings, and one table per program (see docs/configuration.md).",
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = new JsonObject { ["$ref"] = "#/definitions/program" },
            ["definitions"] = new JsonObject
            {
                ["program"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "A program: what to run and how to supervise it. The table's name is the program's name.",
                    ["required"] = new JsonArray("command"),
                    ["additionalProperties"] = false,
                    ["properties"] = programKeys,
                },
            },
        };
    }

    /// <summary>The schema as a file holds it: indented, ending with a newline.</summary>
    public static string Text()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Build().WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static JsonObject Described(JsonObject schema, string description)
    {
        schema["description"] = description;
        return schema;
    }
}
