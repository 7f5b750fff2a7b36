using System.Net;
using System.Text;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Command bodies are read strictly: a value of the wrong JSON type, an unknown or repeated field is refused with a
/// 400 that names the field and what it should be, and a body that is not <c>application/json</c> with a 415. A page
/// of another site can send a form or <c>text/plain</c> without asking the browser first; never JSON.
/// </summary>
public sealed class StrictBodyTests : ApiTestBase
{
    private const string Web = """
        [web]
        command = "./web"
        instances = 2
        max_instances = 5
        """;

    [Theory]
    [InlineData("""{"instances": "2"}""", "instances", "a whole number", "a string")]
    [InlineData("""{"instances": 2.5}""", "instances", "a whole number", "2.5")]
    [InlineData("""{"instances": true}""", "instances", "a whole number", "true")]
    [InlineData("""{"instances": [2]}""", "instances", "a whole number", "an array")]
    [InlineData("""{"instances": 99999999999}""", "instances", "a whole number", "99999999999")]
    public async Task A_scale_field_of_the_wrong_type_is_a_400_naming_the_field_and_the_type_expected(
        string body, string field, string expected, string got)
    {
        await StartAsync(Web);

        var problem = await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/scale", body, HttpStatusCode.BadRequest, field);

        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.Contains(got, detail, StringComparison.Ordinal);
        AssertNothingChanged();
    }

    [Theory]
    [InlineData("""{"signal": 15}""", "signal", "a string")]
    [InlineData("""{"signal": "HUP", "instance": "0"}""", "instance", "a whole number")]
    public async Task A_signal_field_of_the_wrong_type_is_a_400_naming_the_field(string body, string field, string expected)
    {
        await StartAsync(Web);

        var problem = await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/signal", body, HttpStatusCode.BadRequest, field);

        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertNothingChanged();
    }

    [Theory]
    [InlineData("/api/v1/programs/web/scale", """{"instances": 3, "instanes": 4}""", "instanes", "instances")]
    [InlineData("/api/v1/programs/web/scale", """{"count": 3}""", "count", "instances")]
    [InlineData("/api/v1/programs/web/signal", """{"signal": "HUP", "instances": 0}""", "instances", "signal, instance")]
    public async Task An_unknown_field_is_a_400_naming_it_and_the_fields_expected(string url, string body, string field, string known)
    {
        await StartAsync(Web);

        var problem = await SendProblemAsync(HttpMethod.Post, url, body, HttpStatusCode.BadRequest, field);

        Assert.Contains(known, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertNothingChanged();
    }

    [Fact]
    public async Task A_field_given_twice_is_a_400_naming_it()
    {
        await StartAsync(Web);

        await SendProblemAsync(
            HttpMethod.Post, "/api/v1/programs/web/scale", """{"instances": 1, "instances": 4}""", HttpStatusCode.BadRequest, "instances");

        AssertNothingChanged();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/jsonx")]
    [InlineData(null)]
    public async Task A_body_that_is_not_declared_application_json_is_a_415_naming_its_type(string? contentType)
    {
        await StartAsync(Web);

        foreach (var (url, body) in new[] { ("/api/v1/programs/web/scale", """{"instances": 3}"""), ("/api/v1/programs/web/signal", """{"signal": "HUP"}""") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            using var response = await Client.SendAsync(request, Token);

            var problem = await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
            Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(contentType ?? "no Content-Type", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        AssertNothingChanged();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task Application_json_with_or_without_a_charset_is_read(string contentType)
    {
        await StartAsync(Web);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/programs/web/scale")
        {
            Content = new ByteArrayContent("""{"instances": 3}"""u8.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, Host.Engine.State.Programs[0].Instances.Length);
    }

    private void AssertNothingChanged()
    {
        Assert.Equal(2, Host.Launcher.Launches.Count);
        Assert.Empty(Host.Launcher.Signals);
        Assert.Equal(2, Host.Engine.State.Programs[0].Instances.Length);
    }
}
