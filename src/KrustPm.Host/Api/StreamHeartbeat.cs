namespace KrustPm.Host.Api;

/// <summary>
/// How often an idle Server-Sent Events stream gets a <c>:</c> comment line, which every client ignores: a proxy or
/// load balancer that cuts connections idle for 60 s (nginx's <c>proxy_read_timeout</c>, AWS ALB) then never cuts an
/// event stream or a log follow on a quiet stack, and a client whose connection died silently finds out.
/// </summary>
/// <param name="Interval">The idle time after which a comment is sent (15 s).</param>
internal sealed record StreamHeartbeat(TimeSpan Interval)
{
    /// <summary>krust-pm's: 15 s, a quarter of the common 60 s idle timeouts.</summary>
    public static StreamHeartbeat Default { get; } = new(TimeSpan.FromSeconds(15));

    /// <summary>The comment itself: a line starting with a colon, then the blank line that ends it.</summary>
    public static ReadOnlyMemory<byte> Comment { get; } = ": heartbeat\n\n"u8.ToArray();
}
