using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using KrustPm.Host.Tests.EndToEnd;
using KrustPm.Tests.Shared;
using Microsoft.Playwright;

namespace KrustPm.Dashboard.Tests;

/// <summary>
/// The dashboard in headless Chromium against the published krust-pm with real processes: what it shows matches the
/// API and follows it live, its controls act on real processes and ask before they stop anything, and nothing a
/// program prints becomes HTML. Its security rules (token, cross-site, read-only) are in
/// <see cref="DashboardSecurityTests"/>, the screenshots in <see cref="DashboardScreenshotTests"/>.
/// </summary>
public sealed class DashboardBrowserTests(PublishedKrustPm krustPm, Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    internal const string Sleepy = """
        server-port = "127.0.0.1:{port}"

        [sleepy]
        command = "sleep 300"
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-dashboard-").FullName;

    private readonly ITestOutputHelper _log = TestContext.Current.TestOutputHelper!;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_page_loads_without_console_errors_and_shows_every_instance_of_the_bundled_example_as_GET_root_does()
    {
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, BundledExample(_folder));
        await session.OpenAsync();

        // bad_sleeper fails and is retried: compare until the page and the API agree at one moment (each re-read).
        string api = string.Empty, page = string.Empty;
        var agreed = await Eventually.Holds(
            async () =>
            {
                api = Describe(await session.StateAsync());
                page = await PageRowsAsync(session.Page);
                return api == page;
            },
            TimeSpan.FromSeconds(15));

        Assert.True(agreed, $"page:\n{page}\nGET /:\n{api}");
        Assert.Contains("good_sleeper", page, StringComparison.Ordinal);
        Assert.Equal(3, await session.Page.Locator("td[data-label='status'] .icon:not(:empty)").CountAsync());
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task A_SIGKILLed_instance_shows_its_exit_and_new_run_without_a_reload()
    {
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, Sleepy);
        await session.OpenAsync();
        var pid = int.Parse(await session.Cell("sleepy", 0, "pid").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await session.Page.EvaluateAsync("() => { window.notReloaded = true; }");

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill(); // SIGKILL
        await Assertions.Expect(session.Cell("sleepy", 0, "last exit")).ToHaveTextAsync("137 (SIGKILL)");
        var shown = clock.Elapsed;
        await Assertions.Expect(session.Cell("sleepy", 0, "restarts")).ToHaveTextAsync("1");
        await Assertions.Expect(session.Cell("sleepy", 0, "pid")).Not.ToHaveTextAsync(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(await session.Page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        Assert.Empty(session.ConsoleErrors);
        _log.WriteLine($"the page showed the exit {shown.TotalMilliseconds:F0} ms after the SIGKILL");
    }

    [Fact]
    public async Task Scaling_to_4_from_the_page_makes_4_processes()
    {
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, Sleepy);
        await session.OpenAsync();

        await session.Page.GetByLabel("instances of sleepy", new() { Exact = true }).FillAsync("4");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Scale sleepy" }).ClickAsync();

        await Assertions.Expect(session.Page.Locator("section[data-program='sleepy'] tr[data-status='Running']")).ToHaveCountAsync(4);
        Assert.True(
            await ProcFs.WaitUntilAsync(() => ProcFs.ChildrenOf(session.Krust.Pid, "sleep").Count == 4, TimeSpan.FromSeconds(10)),
            $"{ProcFs.ChildrenOf(session.Krust.Pid, "sleep").Count} sleep processes");
        await Assertions.Expect(session.Page.Locator("#messages")).ToContainTextAsync("now 4 instance(s), 3 added");

        // The API's problem, shown as it says it.
        await session.Page.GetByLabel("instances of sleepy", new() { Exact = true }).FillAsync("1001");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Scale sleepy" }).ClickAsync();
        await Assertions.Expect(session.Page.Locator("#messages .message.error")).ToContainTextAsync("Cannot scale 'sleepy' to 1001: 1001 is more than max_instances (1000)");
        Assert.Equal(4, ProcFs.ChildrenOf(session.Krust.Pid, "sleep").Count);
    }

    [Fact]
    public async Task Stop_asks_for_confirmation_and_stops_nothing_when_cancelled()
    {
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, Sleepy);
        await session.OpenAsync();
        var pid = int.Parse(await session.Cell("sleepy", 0, "pid").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        var dialog = session.Page.Locator("dialog#confirm");

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Stop sleepy.0", Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Stop sleepy.0?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();

        Assert.True(ProcFs.IsAlive(pid));
        Assert.Equal("Running", (await session.StateAsync())[0].GetProperty("instances")[0].GetProperty("status").GetString());

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Stop sleepy.0", Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

        await Assertions.Expect(session.Cell("sleepy", 0, "status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Stopped$"));
        Assert.False(ProcFs.IsAlive(pid));
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Output_with_html_and_ansi_escapes_renders_as_text_and_follows_live()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "noisy.sh"), """
            printf '<img src=x onerror=alert(1)> <b>bold?</b> \033[31mred\033[0m plain\n'
            printf '\033[1;32mgreen\033[0m <script>alert(2)</script>\n' >&2
            trap 'echo "after HUP: <i>still text</i>"' HUP
            while true; do sleep 300 & wait $!; done
            """, TestContext.Current.CancellationToken);
        await using var session = await DashboardSession.StartAsync(
            chromium, krustPm.Executable, _folder, "server-port = \"127.0.0.1:{port}\"\n[noisy]\ncommand = \"sh noisy.sh\"\n");
        await session.OpenAsync();

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Show the output of noisy.0" }).ClickAsync();
        var stdout = session.Page.Locator("#out-stdout");
        var stderr = session.Page.Locator("#out-stderr");
        await Assertions.Expect(stdout).ToContainTextAsync("<img src=x onerror=alert(1)> <b>bold?</b> red plain");
        await Assertions.Expect(stderr).ToContainTextAsync("green <script>alert(2)</script>");

        Assert.Equal(0, await session.Page.Locator("#out-stdout img, #out-stdout b, #out-stderr script").CountAsync());
        Assert.Equal("red", await stdout.Locator("span.ansi-fg-1").InnerTextAsync());
        Assert.Equal("green", await stderr.Locator("span.ansi-fg-2.ansi-bold").InnerTextAsync());
        Assert.DoesNotContain('\u001b', await stdout.InnerTextAsync());

        // Live: a line written after the page opened the output (the signal control, confirmed).
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Send the chosen signal to every running instance of noisy" }).ClickAsync();
        await session.Page.Locator("dialog#confirm").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(stdout).ToContainTextAsync("after HUP: <i>still text</i>");
        Assert.Equal(0, await stdout.Locator("i").CountAsync());

        // Without colours the escapes are stripped, not shown.
        await session.Page.GetByLabel("colours").UncheckAsync();
        await Assertions.Expect(stdout).ToContainTextAsync("red plain");
        Assert.Equal(0, await stdout.Locator("span.ansi-fg-1").CountAsync());
        Assert.Empty(session.Dialogs);
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task A_program_name_with_html_renders_as_text()
    {
        // krust-pm refuses such a name in its config; the page must not trust that: the API's answer is altered.
        const string Hostile = "<img src=x onerror=alert(1)>";
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, Sleepy);
        await session.Page.RouteAsync("**/api/v1/programs", async route =>
        {
            var response = await route.FetchAsync();
            var programs = JsonNode.Parse(await response.TextAsync())!.AsArray();
            programs[0]!["name"] = Hostile;
            programs[0]!["config"]!["argv"] = new JsonArray(Hostile);
            await route.FulfillAsync(new() { Response = response, Body = programs.ToJsonString() });
        });
        await session.OpenAsync();

        await Assertions.Expect(session.Page.Locator("section.program .name")).ToHaveTextAsync(Hostile);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "config" }).ClickAsync();
        await Assertions.Expect(session.Page.Locator(".config-table")).ToContainTextAsync(Hostile);

        Assert.Equal(0, await session.Page.Locator("main img").CountAsync());
        Assert.Empty(session.Dialogs);
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task A_program_with_1000_instances_starts_collapsed_and_expands_to_1000_rows()
    {
        await using var session = await DashboardSession.StartAsync(chromium, krustPm.Executable, _folder, Sleepy);
        await session.Page.RouteAsync("**/api/v1/programs", async route =>
        {
            var response = await route.FetchAsync();
            var programs = JsonNode.Parse(await response.TextAsync())!.AsArray();
            var instances = programs[0]!["instances"]!.AsArray();
            var model = instances[0]!.ToJsonString();
            for (var id = 1; id < 1000; id++)
            {
                var copy = JsonNode.Parse(model)!;
                copy["id"] = id;
                instances.Add(copy);
            }

            await route.FulfillAsync(new() { Response = response, Body = programs.ToJsonString() });
        });
        await session.OpenAsync();

        await Assertions.Expect(session.Page.Locator("section[data-program='sleepy'] .collapsed")).ToContainTextAsync("1000 instances, collapsed");
        Assert.Equal(0, await session.Page.Locator("section[data-program='sleepy'] tbody tr").CountAsync());

        // Measured in the page: from the click until the frame with the rows has been laid out and painted.
        var milliseconds = await session.Page.EvaluateAsync<double>("""
            () => new Promise(done => {
              const start = performance.now();
              document.querySelector("section[data-program='sleepy'] .toggle").click();
              window.syncMs = performance.now() - start;
              requestAnimationFrame(() => setTimeout(() => done(performance.now() - start)));
            })
            """);
        await Assertions.Expect(session.Page.Locator("section[data-program='sleepy'] tbody tr")).ToHaveCountAsync(1000);
        _log.WriteLine($"1000 rows built, laid out and painted {milliseconds:F0} ms after the click (built in {await session.Page.EvaluateAsync<double>("() => window.syncMs"):F0} ms)");

        // Still responsive: a timer-driven re-render of every uptime and a click are answered.
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "sleepy", Exact = true }).ClickAsync();
        await Assertions.Expect(session.Page.Locator("section[data-program='sleepy'] tbody tr")).ToHaveCountAsync(0);
        Assert.Empty(session.ConsoleErrors);
    }

    /// <summary>The bundled example (examples/krust-pm.toml and sleeper.py) in <paramref name="folder"/>, on a free port.</summary>
    internal static string BundledExample(string folder)
    {
        var examples = Path.Combine(PublishedKrustPm.RepositoryRoot, "examples");
        File.Copy(Path.Combine(examples, "sleeper.py"), Path.Combine(folder, "sleeper.py"));
        File.SetUnixFileMode(Path.Combine(folder, "sleeper.py"), File.GetUnixFileMode(Path.Combine(examples, "sleeper.py")));
        return File.ReadAllText(Path.Combine(examples, "krust-pm.toml"))
            .Replace("server-port = \"localhost:4000\"", "server-port = \"127.0.0.1:{port}\"", StringComparison.Ordinal);
    }

    private static string Describe(JsonElement programs) => string.Join('\n', programs.EnumerateArray().SelectMany(p =>
        p.GetProperty("instances").EnumerateArray().Select(i =>
            $"{p.GetProperty("name").GetString()}.{i.GetProperty("id")} {i.GetProperty("status").GetString()} " +
            $"pid={(i.TryGetProperty("pid", out var pid) ? pid.ToString() : string.Empty)} try={i.GetProperty("currentTry")} restarts={i.GetProperty("restarts")}")));

    private static Task<string> PageRowsAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('section.program')].flatMap(section =>
            [...section.querySelectorAll('tbody tr')].map(row => {
                const cell = name => row.querySelector(`td[data-label='${name}']`).textContent;
                const status = row.querySelector("td[data-label='status'] span.text").textContent;
                return `${section.dataset.program}.${cell('id')} ${status} pid=${cell('pid')} try=${cell('try')} restarts=${cell('restarts')}`;
            })).join('\n')
        """);
}
