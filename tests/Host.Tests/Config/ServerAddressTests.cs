using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

public class ServerAddressTests
{
    [Theory]
    [InlineData("localhost:4000", "localhost", 4000)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("0.0.0.0:65535", "0.0.0.0", 65535)]
    [InlineData("[::1]:4000", "::1", 4000)]
    [InlineData("[::]:8080", "::", 8080)]
    [InlineData("my-host.example.com:80", "my-host.example.com", 80)]
    public void TryParse_accepts_host_and_port(string text, string host, int port)
    {
        var ok = ServerAddress.TryParse(text, out var address, out var error);

        Assert.True(ok, error);
        Assert.Equal(new ServerAddress(host, port), address);
    }

    [Theory]
    [InlineData("localhost", "missing ':port' after the host")]
    [InlineData("4000", "missing ':port' after the host")]
    [InlineData(":4000", "missing host before ':'")]
    [InlineData("localhost:", "port '' is not a number from 1 to 65535")]
    [InlineData("localhost:0", "port '0' is not a number from 1 to 65535")]
    [InlineData("localhost:65536", "port '65536' is not a number from 1 to 65535")]
    [InlineData("localhost:99999999999", "port '99999999999' is not a number from 1 to 65535")]
    [InlineData("localhost:-1", "port '-1' is not a number from 1 to 65535")]
    [InlineData("localhost:http", "port 'http' is not a number from 1 to 65535")]
    [InlineData("::1:4000", "an IPv6 address must be in brackets, e.g. \"[::1]:4000\"")]
    [InlineData("[::1:4000", "missing ']' after the IPv6 address")]
    [InlineData("[::1]4000", "missing ':port' after the host")]
    [InlineData("[nope]:4000", "'nope' is not a valid IPv6 address")]
    [InlineData("[127.0.0.1]:4000", "'127.0.0.1' is not a valid IPv6 address")]
    [InlineData("256.1.1.1:4000", "'256.1.1.1' is not a valid host name or IPv4 address")]
    [InlineData("1.2.3:4000", "'1.2.3' is not a valid host name or IPv4 address")]
    [InlineData("my host:4000", "'my host' is not a valid host name or IPv4 address")]
    [InlineData("-bad.example:4000", "'-bad.example' is not a valid host name or IPv4 address")]
    [InlineData("a..b:4000", "'a..b' is not a valid host name or IPv4 address")]
    public void TryParse_rejects_invalid_addresses(string text, string expectedError)
    {
        var ok = ServerAddress.TryParse(text, out var address, out var error);

        Assert.False(ok);
        Assert.Null(address);
        Assert.Equal(expectedError, error);
    }

    [Theory]
    [InlineData("localhost", 4000, "localhost:4000")]
    [InlineData("10.0.0.1", 80, "10.0.0.1:80")]
    [InlineData("::1", 4000, "[::1]:4000")]
    public void ToString_renders_host_and_port_with_brackets_for_IPv6(string host, int port, string expected) =>
        Assert.Equal(expected, new ServerAddress(host, port).ToString());

    [Fact]
    public void Default_is_localhost_4000() =>
        Assert.Equal("localhost:4000", ServerAddress.Default.ToString());
}
