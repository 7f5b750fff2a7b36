using KrustPm.Host.Config;
using KrustPm.Host.Dashboard;

namespace KrustPm.Host.Tests.Dashboard;

/// <summary>The start-up log's <c>dashboard: LINK</c> line.</summary>
public sealed class DashboardLinkTests
{
    private const string Secret = "a+secret/token&more";

    [Theory]
    [InlineData("localhost", 4000, "http://localhost:4000/ui/")]
    [InlineData("127.0.0.1", 4711, "http://127.0.0.1:4711/ui/")]
    [InlineData("::1", 4000, "http://[::1]:4000/ui/")]
    [InlineData("0.0.0.0", 4000, "http://localhost:4000/ui/")]
    [InlineData("::", 4000, "http://localhost:4000/ui/")]
    [InlineData("box.example", 8080, "http://box.example:8080/ui/")]
    public void Without_a_token_the_link_is_the_pages_address_on_a_name_this_machine_reaches(string host, int port, string link) =>
        Assert.Equal(link, DashboardLink.Line(Config(new ServerAddress(host, port)), logToTerminal: true));

    [Fact]
    public void With_a_token_and_a_terminal_the_link_carries_the_token_escaped() =>
        Assert.Equal(
            "http://localhost:4000/ui/?token=a%2Bsecret%2Ftoken%26more",
            DashboardLink.Line(Config(ServerAddress.Default) with { AuthToken = Secret }, logToTerminal: true));

    [Fact]
    public void With_a_token_and_a_log_that_is_not_a_terminal_the_token_is_never_written()
    {
        var line = DashboardLink.Line(Config(ServerAddress.Default) with { AuthToken = Secret }, logToTerminal: false);

        Assert.Equal("http://localhost:4000/ui/ (it asks for the token)", line);
    }

    [Fact]
    public void Over_a_unix_socket_it_says_a_browser_cannot_reach_it() =>
        Assert.StartsWith(
            "not on unix:/run/k.sock (a browser cannot open a Unix socket)",
            DashboardLink.Line(Config(ServerAddress.ForUnixSocket("/run/k.sock")), logToTerminal: true),
            StringComparison.Ordinal);

    private static KrustConfig Config(ServerAddress server) => new("/srv/krust-pm.toml", server, []);
}
