using Microsoft.Playwright;

namespace KrustPm.Dashboard.Tests;

/// <summary>
/// One headless Chromium per test class (a class fixture): Debian's <c>chromium</c>, driven by Microsoft.Playwright
/// through its executable path. Playwright's own browser download (<c>playwright install</c>) is never used. Without
/// a Chromium the tests fail saying how to get one: they never pass without having run.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Where Debian's package puts it; <c>KRUST_PM_CHROMIUM</c> names another Chromium or Chrome.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("KRUST_PM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The dashboard's browser tests need Chromium at {ExecutablePath}, and it is not there. Run .ci/run (it installs " +
                "Debian's chromium when missing), or: sudo apt-get install chromium; or set KRUST_PM_CHROMIUM to a Chromium or Chrome executable.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // As root (CI containers) Chromium's sandbox cannot start; the pages are our own and the test's.
            Args = ["--no-sandbox"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
