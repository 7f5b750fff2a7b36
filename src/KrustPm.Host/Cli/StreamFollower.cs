using System.Net.ServerSentEvents;
using System.Runtime.InteropServices;
using System.Text;

namespace KrustPm.Host.Cli;

/// <summary>
/// Follows a Server-Sent Events stream of krust-pm's (<c>events</c>, <c>logs -f</c>), read with the runtime's
/// <see cref="SseParser"/>, printing each event until Ctrl-C, until standard output's reader goes away (exit 0, as
/// <c>tail -f</c> does), or, with <c>--no-reconnect</c>, until krust-pm ends the stream. Otherwise, when krust-pm goes
/// away (a restart), it reconnects every few seconds with <c>Last-Event-ID</c>, so the stream goes on where it stopped.
/// </summary>
/// <param name="connection">Where krust-pm is.</param>
/// <param name="reconnect">Whether to reconnect when the stream ends.</param>
internal sealed class StreamFollower(ApiConnection connection, bool reconnect)
{
    /// <summary>The wait before a reconnection when the server named none (its <c>retry:</c> field wins).</summary>
    private static readonly TimeSpan DefaultRetry = TimeSpan.FromSeconds(3);

    /// <summary>Prints each event, formatted from its name and data (nothing for <see langword="null"/>).</summary>
    /// <param name="path">The stream's path.</param>
    /// <param name="resumePath">The path to reconnect to when the stream has no ids (a log follow: only new lines).</param>
    /// <param name="format">The line to print for an event's name and data.</param>
    public async Task<int> FollowAsync(string path, string resumePath, Func<string?, string, string?> format)
    {
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        StdoutReaderGone.Watch(stop);
        using var client = connection.CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        var retry = DefaultRetry;
        string? lastId = null;
        var connected = false;
        try
        {
            while (true)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, connected && lastId is null ? resumePath : path);
                    if (lastId is not null)
                    {
                        request.Headers.Add("Last-Event-ID", lastId);
                    }

                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        await Console.Error.WriteLineAsync($"krust-pm: {ApiCall.Detail(await response.Content.ReadAsStringAsync(stop.Token))}");
                        return KrustPmCommandLine.ExitFailed;
                    }

                    if (connected)
                    {
                        await Console.Error.WriteLineAsync($"krust-pm: reconnected to {connection.Describe}");
                    }

                    connected = true;
                    var parser = SseParser.Create(await response.Content.ReadAsStreamAsync(stop.Token), static (_, data) => Encoding.UTF8.GetString(data));
                    await foreach (var item in parser.EnumerateAsync(stop.Token))
                    {
                        lastId = parser.LastEventId is { Length: > 0 } id ? id : lastId;
                        retry = parser.ReconnectionInterval > TimeSpan.Zero ? parser.ReconnectionInterval : retry;
                        if (format(item.EventType == SseParser.EventTypeDefault ? null : item.EventType, item.Data) is { } text)
                        {
                            await Console.Out.WriteLineAsync(text);
                        }
                    }
                }
                catch (HttpRequestException error) when (!connected)
                {
                    await Console.Error.WriteLineAsync(
                        $"krust-pm: cannot reach krust-pm at {connection.Describe}: {error.Message}. Is it running? Start it with: krust-pm run");
                    return ApiCall.ExitUnreachable;
                }
                catch (Exception error) when (error is HttpRequestException or IOException && !stop.IsCancellationRequested && !StdoutReaderGone.Gone && !IsStdoutError(error))
                {
                    // krust-pm went away mid-stream (a restart): reconnect below, or end without --reconnect.
                }

                if (!reconnect)
                {
                    return KrustPmCommandLine.ExitOk;
                }

                await Console.Error.WriteLineAsync($"krust-pm: the stream ended; reconnecting to {connection.Describe} every {retry.TotalSeconds:0.#} s (Ctrl-C to stop)");
                await Task.Delay(retry, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return KrustPmCommandLine.ExitOk;
        }
        catch (IOException error) when (IsStdoutError(error) || StdoutReaderGone.Gone)
        {
            return KrustPmCommandLine.ExitOk; // standard output's reader went away (EPIPE): done, as tail -f is
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // end the follow; the process then exits normally
            stop.Cancel();
        }
    }

    /// <summary>Whether an I/O error is a write to standard output that failed because its reader is gone (EPIPE).</summary>
    private static bool IsStdoutError(Exception error) =>
        error is IOException && (StdoutReaderGone.Gone || error.Message.Contains("pipe", StringComparison.OrdinalIgnoreCase));
}
