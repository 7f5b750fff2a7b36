using KrustPm.Host.Hosting.OwnLog;

namespace KrustPm.Host.Tests.Hosting.OwnLog;

/// <summary>systemd's <c>JOURNAL_STREAM=DEVICE:INODE</c> is believed only while stderr is still that stream.</summary>
public sealed class JournalStreamTests
{
    [Theory]
    [InlineData("8:123456", "socket:[123456]", true)]
    [InlineData("8:123456", "socket:[654321]", false)] // a child of a service whose stderr was redirected elsewhere
    [InlineData("8:123456", "/dev/pts/0", false)]
    [InlineData(null, "socket:[123456]", false)]
    [InlineData("", "socket:[123456]", false)]
    [InlineData("123456", "socket:[123456]", false)]
    [InlineData("8:x", "socket:[123456]", false)]
    public void Only_the_stream_the_variable_names_is_the_journal(string? journalStream, string fdLink, bool matches) =>
        Assert.Equal(matches, JournalStream.Matches(journalStream, fdLink));
}
