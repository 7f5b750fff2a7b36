using KrustPm.Host.Tests.EndToEnd;
using Microsoft.Playwright;

namespace KrustPm.Dashboard.Tests;

/// <summary>
/// The dashboard follows the API's rules in a real browser: with a token it asks for it and nothing it does
/// without it succeeds; the token of a <c>?token=</c> link leaves the address bar; a page of another origin cannot
/// change anything; read-only disables the controls and says why.
/// </summary>
public sealed class DashboardSecurityTests(PublishedKrustPm krustPm, Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    private const string Secret = "dashboard-e2e-token-0123456789";

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-dashboard-security-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task With_a_token_the_page_without_it_shows_the_token_prompt_and_no_write_succeeds()
    {
        await using var session = await DashboardSession.StartAsync(
            chromium, krustPm.Executable, _folder, $"auth_token = \"{Secret}\"\n{DashboardBrowserTests.Sleepy}", token: Secret);
        var writes = new List<string>();
        session.Page.Response += (_, response) =>
        {
            if (response.Request.Method != "GET")
            {
                lock (writes)
                {
                    writes.Add($"{response.Request.Method} {response.Url} {response.Status}");
                }
            }
        };
        await session.OpenAsync(waitForState: false);

        await Assertions.Expect(session.Page.Locator("#token-form")).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.Locator("main")).ToBeHiddenAsync();
        var status = await session.Page.EvaluateAsync<int>("async () => (await fetch('/api/v1/programs/sleepy/stop', { method: 'POST' })).status");
        Assert.Equal(401, status);

        // A wrong token: asked again, with a reason.
        await session.Page.GetByLabel("Token").FillAsync("not-the-token-at-all");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Open the dashboard" }).ClickAsync();
        await Assertions.Expect(session.Page.Locator("#token-error")).ToContainTextAsync("refused");
        await Assertions.Expect(session.Page.Locator("main")).ToBeHiddenAsync();

        Assert.All(writes, write => Assert.EndsWith(" 401", write, StringComparison.Ordinal));
        Assert.Single(writes);
        Assert.Equal("Running", (await session.StateAsync())[0].GetProperty("instances")[0].GetProperty("status").GetString());

        // The right one opens it.
        await session.Page.GetByLabel("Token").FillAsync(Secret);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Open the dashboard" }).ClickAsync();
        await Assertions.Expect(session.Row("sleepy", 0)).ToBeVisibleAsync();
        Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_link_opens_the_page_and_the_token_leaves_the_address_bar_but_never_the_log()
    {
        await using var session = await DashboardSession.StartAsync(
            chromium, krustPm.Executable, _folder, $"auth_token = \"{Secret}\"\n{DashboardBrowserTests.Sleepy}", token: Secret);

        await session.OpenAsync($"/ui/?token={Secret}");

        await Assertions.Expect(session.Row("sleepy", 0)).ToBeVisibleAsync();
        Assert.Equal($"{session.BaseUrl}/ui/", session.Page.Url);
        Assert.Equal(Secret, await session.Page.EvaluateAsync<string>("() => sessionStorage.getItem('krust-pm-token')"));

        // krust-pm's log is not a terminal here: the link it logs does not carry the token.
        Assert.Contains($"dashboard: http://127.0.0.1:{session.Krust.Port}/ui/ (it asks for the token)", session.Krust.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, session.Krust.Output, StringComparison.Ordinal);
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_change_anything_nor_read_the_state()
    {
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, DashboardBrowserTests.Sleepy);
        await session.Krust.WaitForAsync(programs => programs[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        var before = (await session.StateAsync()).ToString();
        var target = session.BaseUrl;

        // Another origin on this machine (another port, another name): what stops it is krust-pm's own refusal.
        using var other = new OtherSite($$"""
            <!doctype html><title>another site</title><script>
            window.outcome = (async () => {
              const out = {};
              for (const [name, path, body] of [['stop', 'stop', undefined], ['scale', 'scale', '{"instances":3}']]) {
                try {
                  await fetch('{{target}}/api/v1/programs/sleepy/' + path, { method: 'POST', mode: 'no-cors', body, headers: body ? { 'Content-Type': 'text/plain' } : {} });
                  out[name] = 'sent';
                } catch (e) { out[name] = 'failed: ' + e; }
              }
              try { const r = await fetch('{{target}}/'); out.read = await r.text(); } catch (e) { out.read = 'refused: ' + e; }
              return out;
            })();
            </script>
            """);
        var statuses = new List<string>();
        session.Page.Response += (_, response) =>
        {
            if (response.Url.StartsWith(target, StringComparison.Ordinal))
            {
                lock (statuses)
                {
                    statuses.Add($"{response.Request.Method} {response.Status}");
                }
            }
        };

        await session.Page.GotoAsync(other.Url);
        var outcome = await session.Page.EvaluateAsync<Dictionary<string, string>>("() => window.outcome");

        TestContext.Current.TestOutputHelper!.WriteLine(string.Join(", ", outcome.Select(o => $"{o.Key}={o.Value}")));
        Assert.StartsWith("refused: TypeError", outcome["read"], StringComparison.Ordinal);
        lock (statuses)
        {
            Assert.Contains("POST 403", statuses);
            Assert.DoesNotContain(statuses, s => s.StartsWith("POST 2", StringComparison.Ordinal));
        }

        Assert.Equal(before, (await session.StateAsync()).ToString());
    }

    [Fact]
    public async Task Read_only_disables_every_control_and_says_why_but_shows_everything()
    {
        await using var session = await DashboardSession.StartAsync(
            chromium, krustPm.Executable, _folder, $"read_only = true\n{DashboardBrowserTests.Sleepy}");
        await session.OpenAsync();

        await Assertions.Expect(session.Page.Locator("#read-only")).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.Locator("#read-only")).ToContainTextAsync("read_only = true");
        var controls = session.Page.Locator("section.program button:not(.toggle):not(.secondary)");
        Assert.True(await controls.CountAsync() >= 8);
        foreach (var control in await controls.AllAsync())
        {
            await Assertions.Expect(control).ToBeDisabledAsync();
            Assert.Contains("read-only", await control.GetAttributeAsync("title"), StringComparison.Ordinal);
        }

        await Assertions.Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Show the output of sleepy.0" })).ToBeEnabledAsync();
        Assert.Empty(session.ConsoleErrors);
    }
}
