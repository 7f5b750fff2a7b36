using System.Text.RegularExpressions;
using KrustPm.Engine;
using KrustPm.Host.Config;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Config;

/// <summary>The program keys the reader knows, the engine's reload table and the docs' key table cannot drift apart.</summary>
public sealed partial class ProgramKeysDocsTests
{
    [Fact]
    public void The_program_keys_table_in_configuration_md_lists_exactly_the_keys_the_reader_knows()
    {
        var text = File.ReadAllText(Path.Combine(PublishedKrustPm.RepositoryRoot, "docs", "configuration.md"));
        var start = text.IndexOf("## Program keys", StringComparison.Ordinal);
        var section = text[start..text.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var table = section[..section.IndexOf("\n\n", section.IndexOf("| key |", StringComparison.Ordinal), StringComparison.Ordinal)];

        var documented = Row().Matches(table).Select(m => m.Groups[1].Value).Where(k => k != "key");

        Assert.Equal(ProgramTableReader.KnownKeys.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_key_the_reader_knows_has_a_reload_effect_in_the_engine_and_no_other()
    {
        // args has no entry of its own: the engine compares the whole argv under "command".
        Assert.Equal(
            ProgramTableReader.KnownKeys.Where(k => k != "args").Order(StringComparer.Ordinal),
            SpecChanges.Settings.Select(s => s.Key).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^\| `([a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
