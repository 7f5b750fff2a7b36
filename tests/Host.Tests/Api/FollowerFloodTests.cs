using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using KrustPm.Engine.Logs;
using KrustPm.Host.Api;
using KrustPm.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Log followers that never read, on a program that writes a lot (a scaled-down version of 300 followers on a busy
/// program): each holds at most <see cref="OutputFollower.MaxPendingBytes"/> in krust-pm, counting what waits in
/// its follower and what its response holds beyond what the kernel has taken, and all of it is let go once they
/// leave. Measured as byte counts, not as the process's memory, which the garbage collector makes noisy.
/// </summary>
public sealed class FollowerFloodTests : ApiTestBase
{
    private const int Followers = 30;
    private readonly string _go = Path.Combine(Path.GetTempPath(), $"krust-flood-go-{Guid.NewGuid():N}");
    private readonly string _stop = Path.Combine(Path.GetTempPath(), $"krust-flood-stop-{Guid.NewGuid():N}");

    [Fact]
    public async Task Thirty_followers_that_never_read_hold_at_most_1_MiB_each_and_nothing_once_they_leave()
    {
        // 100-byte lines once the followers are in, for as long as the test looks (the kernel's socket buffers grow
        // to megabytes, so a fixed amount could all fit in them and leave no writer waiting), then quiet.
        await StartAsync(
            $$"""
            server-port = "127.0.0.1:{port}"
            [flood]
            command = '''sh -c "while [ ! -e {{_go}} ]; do sleep 0.05; done; while [ ! -e {{_stop}} ]; do head -c 1000000 /dev/zero | tr '\0' x | fold -w 99; done; exec sleep 600"'''
            """,
            kestrel: true,
            realProcesses: true);
        var slots = Host.Services.GetRequiredService<StreamSlots>();
        var pid = Host.Engine.State.Programs[0].Instances[0].Pid!.Value;
        var clients = new List<TcpClient>();
        try
        {
            for (var n = 0; n < Followers; n++)
            {
                clients.Add(await OpenFollowerThatNeverReadsAsync());
            }

            await EventuallyAsync(() => slots.Open.Count == Followers, "every follower is in");
            await File.WriteAllTextAsync(_go, string.Empty, Token);

            // Every writer waits for its client, and every follower is full: the flood has reached its bounds.
            await EventuallyAsync(
                () => slots.Open.All(s => s.FlushPending && s.Follower!.DroppedBytes > 0),
                () => Describe(slots.Open));
            foreach (var stream in slots.Open)
            {
                // The follower's queue plus the most its response may hold (Kestrel's buffer, which the waiting writer
                // cannot overrun, and the event in hand) stays within the follower's documented bound...
                Assert.True(stream.Follower!.PendingBytes + ServerSentEventsStream.HeldByResponse <= OutputFollower.MaxPendingBytes, Describe([stream]));

                // ...and, seen from the kernel, the response holds no more than that.
                Assert.True(HeldByResponse(stream) <= ServerSentEventsStream.HeldByResponse, Describe([stream]));
            }

            TestContext.Current.SendDiagnosticMessage(Describe(slots.Open));
            await File.WriteAllTextAsync(_stop, string.Empty, Token);
            var followers = WeakFollowers(slots);
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await EventuallyAsync(() => slots.Open.Count == 0, () => $"every stream ends; open: {Describe(slots.Open)}");
            await EventuallyAsync(
                () =>
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    return followers.All(f => !f.IsAlive);
                },
                "every follower, and the output it held, is garbage");

            // ...and what they held is given back: they held more than the threshold, so one collection ran.
            var memory = Host.Services.GetRequiredService<StreamMemory>();
            await EventuallyAsync(() => memory.Collections == 1, () => $"one collection; {memory.Collections}, {memory.ReleasedBytes} bytes released");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            File.Delete(_go);
            File.Delete(_stop);
            await Host.Engine.StopAsync(Token);
        }

        Assert.Empty(await ProcFs.WaitUntilSessionEmptyAsync(pid, TimeSpan.FromSeconds(10)));
    }

    /// <summary>Connects with a small receive buffer, asks to follow, and never reads a byte.</summary>
    private async Task<TcpClient> OpenFollowerThatNeverReadsAsync()
    {
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(IPAddress.Loopback, Host.Port, Token);
        var request = RawHttp.Request("GET /api/v1/programs/flood/logs?follow=true&tail=0 HTTP/1.1", [$"Host: 127.0.0.1:{Host.Port}"]);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request), Token);
        return client;
    }

    /// <summary>
    /// About what krust-pm's response pipe holds of a stream: the bytes written to it, less those the kernel queues
    /// (the server socket's send queue and the client's receive queue, from /proc/net/tcp). The kernel's counts include
    /// HTTP chunk framing (6 bytes an event here), so this errs low by some 5 %; a writer that did not wait for its
    /// client would show megabytes.
    /// </summary>
    private long HeldByResponse(OpenStream stream)
    {
        // Read before the kernel's queues: a write that lands in between then counts as queued, not held (errs low),
        // where the other order would count it as held by the response and fail a bound that holds.
        var written = stream.BytesWritten;
        long queued = 0;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var local = Port(fields[1]);
            var remote = Port(fields[2]);
            var queues = fields[4].Split(':');
            if (local == Host.Port && remote == stream.RemotePort)
            {
                queued += long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
            else if (local == stream.RemotePort && remote == Host.Port)
            {
                queued += long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        return written - queued;
    }

    private static int Port(string address) => int.Parse(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private string Describe(IEnumerable<OpenStream> streams) => string.Join(
        "\n",
        streams.Select(s => $"{s.What} port {s.RemotePort}: follower {s.Follower?.PendingBytes} pending, {s.Follower?.DroppedBytes} dropped; " +
            $"written {s.BytesWritten}, held by the response {HeldByResponse(s)}, waiting: {s.FlushPending}"));

    /// <summary>Weak references only, so that the test itself keeps no follower alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> WeakFollowers(StreamSlots slots) => [.. slots.Open.Select(s => new WeakReference(s.Follower))];
}
