namespace KrustPm.Host.Api;

/// <summary>
/// <c>HEAD</c> on every <c>GET</c> route (RFC 9110 §9.3.2): the same status and headers as a <c>GET</c>, no body.
/// Minimal APIs map <c>GET</c> alone, so a <c>HEAD</c> was a 405; this convention lets each <c>GET</c> endpoint
/// accept <c>HEAD</c> too, and Kestrel sends no body for a <c>HEAD</c> whatever the handler writes. A stream
/// (<see cref="ServerSentEventsStream"/>) ends after its headers for a <c>HEAD</c>, as it has nothing else to say.
/// </summary>
internal static class HeadRequests
{
    /// <summary>Adds <c>HEAD</c> to the methods of every endpoint of <paramref name="routes"/> that answers <c>GET</c>.</summary>
    public static void AnswerHeadLikeGet(this IEndpointConventionBuilder routes) =>
        routes.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get)
                && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
}
