using System.Net;
using System.Text;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// One request to the running krust-pm, with the command line's error handling: unreachable → exit 3 naming the
/// address, an error answer → exit 1 with the problem's detail.
/// </summary>
internal static class ApiCall
{
    public const int ExitUnreachable = 3;

    /// <param name="connection">Where krust-pm is.</param>
    /// <param name="method">The method.</param>
    /// <param name="path">The path and query.</param>
    /// <param name="json">The JSON body, if any.</param>
    /// <param name="wait">
    /// How long to wait for the answer, when longer than the usual 30 s (a rolling restart answers once it is done);
    /// <see cref="Timeout.InfiniteTimeSpan"/> when the server bounds the wait itself.
    /// </param>
    /// <param name="onError">
    /// Reports an error answer itself (its status and body) and returns the exit code, or <see langword="null"/> to
    /// leave it to the usual one line with the problem's detail.
    /// </param>
    /// <returns>The answer's body on success, else <see langword="null"/> with the exit code to use.</returns>
    public static async Task<(string? Body, int Exit)> SendAsync(
        ApiConnection connection, HttpMethod method, string path, string? json = null, TimeSpan? wait = null,
        Func<HttpStatusCode, string, Task<int?>>? onError = null)
    {
        using var client = connection.CreateClient();
        if (wait is { } longer)
        {
            client.Timeout = longer;
        }

        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (HttpRequestException error)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: cannot reach krust-pm at {connection.Describe}: {error.Message}. Is it running? Start it with: krust-pm run");
            return (null, ExitUnreachable);
        }
        catch (TaskCanceledException) when (client.Timeout != Timeout.InfiniteTimeSpan)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: krust-pm at {connection.Describe} did not answer within {client.Timeout.TotalSeconds:0} s; the command may still be applied.");
            return (null, KrustPmCommandLine.ExitFailed);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                return (body, KrustPmCommandLine.ExitOk);
            }

            if (onError is not null && await onError(response.StatusCode, body) is { } exit)
            {
                return (null, exit);
            }

            var detail = response.StatusCode == HttpStatusCode.Unauthorized
                ? "the token was refused (set KRUST_PM_TOKEN, or auth_token in the config)"
                : Detail(body);
            await Console.Error.WriteLineAsync($"krust-pm: {detail}");
            return (null, KrustPmCommandLine.ExitFailed);
        }
    }

    /// <summary>The <c>detail</c> of a problem+json answer, or the body as it is.</summary>
    public static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
