using System.Text.RegularExpressions;
using System.Text.Json.Serialization.Metadata;
using KrustPm.Engine;
using KrustPm.Host.Api;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Config;

/// <summary>The reload's documentation says what the engine does: the table of keys, and the answer's fields.</summary>
public sealed partial class ReloadDocsTests
{
    private static readonly string Root = PublishedKrustPm.RepositoryRoot;

    [Fact]
    public void The_table_of_keys_in_configuration_md_lists_exactly_the_engines_settings_with_their_effect()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var start = text.IndexOf("## Reloading", StringComparison.Ordinal);
        var section = text[start..text.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];

        var documented = Row().Matches(section).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}");

        Assert.Equal(
            SpecChanges.Settings.Select(s => $"{s.Key} {(s.Effect == ChangeEffect.Restart ? "restart" : "in place")}"),
            documented);
    }

    [Fact]
    public void Every_field_of_the_reload_answer_is_documented_in_http_api_md()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs", "http-api.md"));
        var start = text.IndexOf("## `POST /api/v1/reload`", StringComparison.Ordinal);
        var section = text[start..text.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];

        var fields = new[] { typeof(ReloadView), typeof(ProgramReloadView), typeof(TopLevelReloadView) }
            .SelectMany(type => ((JsonTypeInfo)ApiJson.Context.GetTypeInfo(type)!).Properties.Select(p => p.Name));

        Assert.All(fields, field => Assert.Contains($"`{field}`", section, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\| `([a-z_]+)` \| (restart|in place) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
