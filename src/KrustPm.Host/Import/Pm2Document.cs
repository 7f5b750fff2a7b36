using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KrustPm.Host.Import;

/// <summary>
/// A PM2 ecosystem file, JSON or YAML, read into one tree (<see cref="JsonNode"/>) so both are translated by the same
/// code. YAML is read with YamlDotNet's parser and representation model (no reflection: Native AOT stays clean).
/// </summary>
internal static class Pm2Document
{
    public static JsonNode Read(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".js" or ".cjs" or ".mjs")
        {
            throw new ImportException(path, null,
                "this is JavaScript, which krust-pm does not run; turn it into JSON first: "
                + $"node -e 'console.log(JSON.stringify(require(\"./{Path.GetFileName(path)}\"), null, 2))' > ecosystem.json");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ImportException(path, null, error is FileNotFoundException or DirectoryNotFoundException
                ? "cannot read the file: file not found"
                : $"cannot read the file: {error.Message}");
        }

        var json = extension == ".json" || (extension is not (".yml" or ".yaml") && text.TrimStart().StartsWith('{'));
        return json ? Json(text, path) : Yaml(text, path);
    }

    private static JsonNode Json(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                ?? throw new ImportException(path, 1, "the file holds null, not an ecosystem");
        }
        catch (JsonException error)
        {
            throw new ImportException(path, (int?)error.LineNumber + 1, $"not valid JSON: {error.Message.Split(" Path:")[0]}");
        }
    }

    private static JsonNode Yaml(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            throw new ImportException(path, (int)error.Start.Line, $"not valid YAML: {error.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            throw new ImportException(path, 1, "the file is empty");
        }

        return Convert(stream.Documents[0].RootNode, path) ?? throw new ImportException(path, 1, "the file holds null, not an ecosystem");
    }

    private static JsonNode? Convert(YamlNode node, string path) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair => KeyValuePair.Create(
            pair.Key is YamlScalarNode { Value: { } key } ? key : throw new ImportException(path, (int)pair.Key.Start.Line, "a mapping key must be a plain value"),
            Convert(pair.Value, path)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(child => Convert(child, path)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new ImportException(path, (int)node.Start.Line, "aliases are not supported"),
    };

    /// <summary>A YAML scalar: a plain <c>3</c>, <c>true</c> or <c>null</c> is typed as YAML 1.2's core schema says; quoted text stays text.</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }
}
