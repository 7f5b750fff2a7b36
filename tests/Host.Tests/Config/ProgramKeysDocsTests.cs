using System.Text.RegularExpressions;
using KrustPm.Engine;
using KrustPm.Host.Config;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Host.Tests.Config;

/// <summary>The program keys the reader knows, the engine's reload table and the docs' key table cannot drift apart.</summary>
public sealed partial class ProgramKeysDocsTests
{
    [Fact]
    public void The_program_keys_table_in_configuration_md_is_the_one_the_key_registry_renders()
    {
        // To update the docs after changing a key: paste the "expected" side, or run this test and copy Program-keys.received.md.
        var path = Path.Combine(PublishedKrustPm.RepositoryRoot, "docs", "configuration.md");
        var text = File.ReadAllText(path);
        var start = text.IndexOf("| key | type | default | meaning |", text.IndexOf("## Program keys", StringComparison.Ordinal), StringComparison.Ordinal);
        var table = text[start..(text.IndexOf("\n\n", start, StringComparison.Ordinal) + 1)];

        var expected = ProgramKeys.DocsTable();
        if (expected != table)
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "Program-keys.received.md"), expected);
        }

        Assert.Equal(expected, table);
    }

    [Fact]
    public void The_key_table_lists_each_key_once_and_the_reader_reads_every_one()
    {
        var documented = Row().Matches(ProgramKeys.DocsTable()).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(ProgramKeys.Names, documented);
        Assert.Equal(documented.Count, documented.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ProgramKeys.All, key => Assert.True(key.IsTable != (key.Read is not null), key.Name));
    }

    [Fact]
    public void Every_key_the_reader_knows_has_a_reload_effect_in_the_engine_and_no_other()
    {
        // args has no entry of its own: the engine compares the whole argv under "command".
        Assert.Equal(
            ProgramKeys.Names.Where(k => k != "args").Order(StringComparer.Ordinal),
            SpecChanges.Settings.Select(s => s.Key).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^\| `([a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
