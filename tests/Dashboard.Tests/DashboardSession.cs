using System.Text.Json;
using KrustPm.Host.Tests.EndToEnd;
using KrustPm.Tests.Shared;
using Microsoft.Playwright;

namespace KrustPm.Dashboard.Tests;

/// <summary>
/// A real krust-pm on a config of the test's (with a free port) and a fresh browser page on its dashboard. Records
/// every console error, uncaught script error and JavaScript dialog (an <c>alert</c> would mean injected script ran);
/// disposing it closes the page and checks that neither krust-pm nor a program of it is left running.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _dialogs = [];

    private DashboardSession(KrustPmProcess krust, IBrowserContext context, IPage page)
    {
        Krust = krust;
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add("uncaught: " + error);
            }
        };
        page.Dialog += (_, dialog) =>
        {
            lock (_dialogs)
            {
                _dialogs.Add($"{dialog.Type}: {dialog.Message}");
            }

            _ = dialog.DismissAsync();
        };
    }

    public KrustPmProcess Krust { get; }

    public IPage Page { get; }

    public string BaseUrl => $"http://127.0.0.1:{Krust.Port}";

    public IReadOnlyList<string> ConsoleErrors { get { lock (_consoleErrors) { return [.. _consoleErrors]; } } }

    public IReadOnlyList<string> Dialogs { get { lock (_dialogs) { return [.. _dialogs]; } } }

    /// <summary>
    /// Starts krust-pm on <paramref name="toml"/> (its <c>{port}</c> replaced by a free port) in <paramref name="folder"/>,
    /// and opens a page with the given colour scheme and viewport (not yet on the dashboard).
    /// </summary>
    public static async Task<DashboardSession> StartAsync(
        Chromium chromium, string executable, string folder, string toml,
        ColorScheme scheme = ColorScheme.Light, int width = 1440, int height = 900, string? token = null)
    {
        var config = Path.Combine(folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, toml);
        var krust = KrustPmProcess.Start(executable, config, new Dictionary<string, string?> { ["KRUST_PM_TOKEN"] = null });
        if (token is not null)
        {
            krust.Client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        var context = await chromium.Browser.NewContextAsync(new()
        {
            ColorScheme = scheme,
            ViewportSize = new() { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        return new DashboardSession(krust, context, await context.NewPageAsync());
    }

    /// <summary>Opens the dashboard (once krust-pm runs its programs) and waits until it shows the state.</summary>
    public async Task OpenAsync(string path = "/ui/", bool waitForState = true)
    {
        await Krust.WaitForAsync(programs => programs.GetArrayLength() > 0);
        await Page.GotoAsync(BaseUrl + path);
        if (waitForState)
        {
            await Page.Locator("body[data-loaded='true']").WaitForAsync();
        }
    }

    /// <summary>The row of one instance.</summary>
    public ILocator Row(string program, long id) => Page.Locator($"section.program[data-program='{program}'] tr[data-instance='{id}']");

    /// <summary>A cell of one instance's row, by its column.</summary>
    public ILocator Cell(string program, long id, string column) => Row(program, id).Locator($"td[data-label='{column}']");

    public Task<JsonElement> StateAsync() => Krust.GetProgramsAsync();

    /// <summary>Writes a screenshot of the page into the test output's <c>screenshots</c> folder.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await Page.ScreenshotAsync(new() { Path = path });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        try
        {
            // Every pid GET / shows now (and showed before) must be gone once krust-pm has stopped.
            var seen = true;
            try
            {
                await Krust.GetProgramsAsync();
            }
            catch (HttpRequestException)
            {
                seen = false; // the test failed before krust-pm listened
            }

            var children = ProcFs.ChildrenOf(Krust.Pid);
            Assert.Equal(0, await Krust.TerminateAsync());
            Assert.DoesNotContain(children, child => ProcFs.IsAlive(child.Pid));
            if (seen)
            {
                await Krust.AssertNothingLeftAsync();
            }
        }
        finally
        {
            await Krust.DisposeAsync();
        }
    }
}
