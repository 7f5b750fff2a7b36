using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using KrustPm.Host.Api;
using KrustPm.Host.Config;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Api;

/// <summary>Every field the API sends for programs and instances is documented in docs/http-api.md.</summary>
public sealed partial class DocumentedFieldsTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(PublishedKrustPm.RepositoryRoot, "docs", "http-api.md"));

    [Fact]
    public void Every_instance_field_is_documented_in_the_instance_section()
    {
        var start = Document.IndexOf("Per instance, the seed fields", StringComparison.Ordinal);
        var end = Document.IndexOf("### `?status=S`", start, StringComparison.Ordinal);
        var section = Document[start..end];
        var documented = Backticked().Matches(section).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var undocumented = FieldsOf<InstanceView>().Where(field => !documented.Contains(field)).ToList();
        Assert.True(undocumented.Count == 0, $"not documented: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Every_program_and_config_field_is_documented()
    {
        var documented = Backticked().Matches(Document).Select(m => m.Groups[1].Value)
            .Concat(Quoted().Matches(Document).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        // The config view's other fields are the keys of configuration.md's table in camelCase (ProgramKeys renders both).
        var configNames = ProgramKeys.All.Select(k => k.ViewName).OfType<string>();
        var probeFields = ProgramKeyValues.Probe(new KrustPm.Engine.Health.ProbeSpec { Tcp = "127.0.0.1:1" })!.Select(p => p.Key);
        var undocumented = FieldsOf<ProgramView>().Concat(configNames).Concat(probeFields)
            .Where(field => !documented.Contains(field)).ToList();
        Assert.True(undocumented.Count == 0, $"not documented: {string.Join(", ", undocumented)}");
    }

    private static IEnumerable<string> FieldsOf<T>()
    {
        var info = (JsonTypeInfo)ApiJson.Context.GetTypeInfo(typeof(T))!;
        return info.Properties.Select(p => p.Name);
    }

    [GeneratedRegex("`([a-zA-Z]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex("\"([a-zA-Z]+)\":")]
    private static partial Regex Quoted();
}
