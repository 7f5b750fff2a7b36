using System.Net;
using System.Net.Sockets;
using KrustPm.Engine.Health;

namespace KrustPm.Engine.Tests.Health;

/// <summary>TCP probes against a listening and a closed loopback port, and their address parsing.</summary>
public sealed class TcpProbeTests
{
    [Fact]
    public async Task A_listening_port_passes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var (outcome, _) = await ProbeHarness.RunAsync(Tcp($"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"));

        Assert.True(outcome.Passed, outcome.Detail);
        Assert.Equal("connected", outcome.Detail);
    }

    [Fact]
    public async Task The_port_placeholder_is_each_instances_own_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var program = new ProgramSpec("web", "serve", ["serve"]) { PortBase = port - 2 };

        var (second, _) = await ProbeHarness.RunAsync(Tcp("127.0.0.1:{port}"), program, instance: 5, index: 2);

        Assert.True(second.Passed, second.Detail);
    }

    [Fact]
    public async Task A_closed_port_is_connection_refused()
    {
        var (outcome, _) = await ProbeHarness.RunAsync(Tcp($"127.0.0.1:{ProbeHarness.ClosedPort()}"));

        Assert.False(outcome.Passed);
        Assert.Equal("connection refused", outcome.Detail);
    }

    [Theory]
    [InlineData("127.0.0.1:5432", "127.0.0.1", 5432)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:8080", "::1", 8080)]
    public void An_address_is_split_at_its_last_colon(string address, string host, int port)
    {
        Assert.True(TcpProbe.TryParse(address, out var endPoint));
        Assert.Equal((host, port), (endPoint.Host, endPoint.Port));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData(":80")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:http")]
    public async Task A_malformed_address_fails_without_connecting(string address)
    {
        var (outcome, _) = await ProbeHarness.RunAsync(Tcp(address));

        Assert.False(outcome.Passed);
        Assert.Equal($"not a host:port address: '{address}'", outcome.Detail);
    }

    private static ProbeSpec Tcp(string address) => new() { Tcp = address };
}
