using KrustPm.Host.Tests.EndToEnd;
using Microsoft.Playwright;

namespace KrustPm.Dashboard.Tests;

/// <summary>
/// Screenshots of the main views, light and dark, wide (1440 and 1920 px) and narrow (phone, 360 px), on the bundled example plus a
/// program with coloured output, written to <c>screenshots/</c> in the test output (docs/images/ has chosen ones).
/// Each also checks that nothing is wider than the screen.
/// </summary>
public sealed class DashboardScreenshotTests(PublishedKrustPm krustPm, Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-dashboard-shots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(ColorScheme.Light, "light")]
    [InlineData(ColorScheme.Dark, "dark")]
    public async Task The_main_view_fits_a_wide_screen_and_a_phone_and_is_captured(ColorScheme scheme, string name)
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "web.sh"), """
            i=0
            while true; do
              i=$((i+1))
              printf '\033[32mGET\033[0m /api/orders/%d \033[1m200\033[0m 12ms\n' "$i"
              [ $((i % 3)) -eq 0 ] && printf '\033[33mwarn\033[0m slow query: 230ms\n' >&2
              sleep 0.5
            done
            """, TestContext.Current.CancellationToken);
        var toml = DashboardBrowserTests.BundledExample(_folder) + "\n[web]\ncommand = \"sh web.sh\"\ninstances = 3\n";
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, toml, scheme, 1440, 900);
        // bad_sleeper has failed once at least (how far its retries got depends on the machine's load).
        await session.Krust.WaitForAsync(p => p.EnumerateArray().Any(x => x.GetProperty("instances").EnumerateArray().Any(i => i.TryGetProperty("lastExitCode", out _))));
        await session.OpenAsync();

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Show the output of web.0" }).ClickAsync();
        await Assertions.Expect(session.Page.Locator("#out-stdout")).ToContainTextAsync("/api/orders/");
        // Something for the timeline, which shows what happens from the page's opening on.
        using (var restart = await session.Krust.Client.PostAsync("/api/v1/programs/web/instances/2/restart", null, TestContext.Current.CancellationToken))
        {
            restart.EnsureSuccessStatusCode();
        }

        await Assertions.Expect(session.Page.Locator("#timeline li.event-instance-started[data-program='web']").First).ToBeVisibleAsync();

        await AssertFitsAsync(session.Page);
        await session.ScreenshotAsync($"wide-{name}");

        // The timeline's filter keeps one program's events (and krust-pm's own).
        await session.Page.Locator("#timeline-filter").SelectOptionAsync("web");
        var shown = await session.Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('#timeline li:not([hidden])')].map(li => li.dataset.program)");
        Assert.Contains("web", shown);
        Assert.All(shown, program => Assert.True(program is "web" or "", program));

        await session.Page.SetViewportSizeAsync(1920, 1080);
        await AssertFitsAsync(session.Page);
        await session.ScreenshotAsync($"full-hd-{name}");

        // A phone: 360 px wide, instances as cards.
        await session.Page.SetViewportSizeAsync(360, 780);
        await AssertFitsAsync(session.Page);
        await session.ScreenshotAsync($"narrow-{name}");
        await session.Page.Locator("section.output").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync($"narrow-{name}-output");

        Assert.Empty(session.ConsoleErrors);
    }

    private static async Task AssertFitsAsync(IPage page) => Assert.True(
        await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
        $"the page is wider than its {page.ViewportSize?.Width} px screen");
}
