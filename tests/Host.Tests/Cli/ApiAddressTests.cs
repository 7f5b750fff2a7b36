using KrustPm.Host.Cli;

namespace KrustPm.Host.Tests.Cli;

/// <summary>
/// <c>--url</c> and <c>KRUST_PM_URL</c> take an http(s) URL or any form the configuration's <c>server-port</c> takes,
/// so an address copied from the config file works as it is.
/// </summary>
public sealed class ApiAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:4100", "http://127.0.0.1:4100/")]
    [InlineData("https://pm.example:8443/", "https://pm.example:8443/")]
    [InlineData("localhost:4100", "http://localhost:4100/")]
    [InlineData("127.0.0.1:4100", "http://127.0.0.1:4100/")]
    [InlineData("[::1]:4100", "http://[::1]:4100/")]
    [InlineData("0.0.0.0:4100", "http://127.0.0.1:4100/")]
    [InlineData("4100", "http://localhost:4100/")]
    public void A_url_or_a_server_port_address_reaches_that_host_and_port(string given, string reached)
    {
        var connection = ApiConnection.FromText(given, token: null, "--url");

        Assert.NotNull(connection);
        Assert.Equal(reached, connection.BaseAddress.ToString());
        Assert.Null(connection.UnixSocket);
    }

    [Fact]
    public void A_unix_address_reaches_the_socket_by_its_full_path()
    {
        var connection = ApiConnection.FromText("unix:run/krust-pm.sock", token: "secret-token-123456", "KRUST_PM_URL");

        Assert.NotNull(connection);
        Assert.Equal(Path.GetFullPath("run/krust-pm.sock"), connection.UnixSocket);
        Assert.Equal("secret-token-123456", connection.Token);
        Assert.Equal($"unix:{Path.GetFullPath("run/krust-pm.sock")} (KRUST_PM_URL)", connection.Describe);
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("unix:")]
    [InlineData("localhost")]
    [InlineData("localhost:99999")]
    [InlineData("70000")]
    [InlineData("http//localhost:4000")]
    public void Anything_else_is_not_an_address(string given) =>
        Assert.Null(ApiConnection.FromText(given, token: null, "--url"));
}
