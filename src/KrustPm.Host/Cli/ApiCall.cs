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

    /// <returns>The answer's body on success, else <see langword="null"/> with the exit code to use.</returns>
    public static async Task<(string? Body, int Exit)> SendAsync(ApiConnection connection, HttpMethod method, string path, string? json = null)
    {
        using var client = connection.CreateClient();
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

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                return (body, KrustPmCommandLine.ExitOk);
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
