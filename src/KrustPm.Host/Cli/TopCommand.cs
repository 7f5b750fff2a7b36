using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Runtime.InteropServices;
using System.Text.Json;
using Spectre.Console;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm top</c>: every instance's CPU, memory, processes, threads and open files, live, sorted by CPU (or
/// memory, or name), like <c>pm2 monit</c> or <c>top</c>. It reads the API's programs each second and at once on any of
/// krust-pm's events; <c>c</c>, <c>m</c>, <c>n</c> sort by CPU, memory, name; <c>q</c>, Esc or Ctrl-C quit. Fits 80
/// columns (an SSH session); shown on the terminal's alternate screen, so the shell comes back as it was. Not at a
/// terminal (piped, or <c>NO_COLOR</c>), it prints the table once, plain, for scripts.
/// </summary>
internal static class TopCommand
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    public static void Add(RootCommand root, Option<string?> configOption, Option<string?> urlOption)
    {
        var sort = new Option<string>("--sort")
        {
            Description = "The order: cpu (busiest first, the default), mem (largest first) or name.",
            DefaultValueFactory = _ => "cpu",
            HelpName = "cpu|mem|name",
        };
        sort.AcceptOnlyFromAmong("cpu", "mem", "name");
        var top = new Command("top", "A live view of every instance's CPU, memory, processes, threads and open files, sorted; keys c, m, n sort, q quits. Piped: the table once.")
        {
            sort, urlOption,
        };
        top.SetAction(async (parse, _) =>
            await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption)) is { } connection
                ? await RunAsync(connection, Sort(parse.GetValue(sort)!))
                : KrustPmCommandLine.ExitUsage);
        root.Subcommands.Add(top);
    }

    private static TopSort Sort(string name) => name switch
    {
        "mem" => TopSort.Memory,
        "name" => TopSort.Name,
        _ => TopSort.Cpu,
    };

    private static async Task<int> RunAsync(ApiConnection connection, TopSort sort)
    {
        var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, "api/v1/programs");
        if (body is null)
        {
            return exit;
        }

        if (!Terminal.Fancy || Console.IsInputRedirected)
        {
            using var document = JsonDocument.Parse(body);
            var programs = document.RootElement.EnumerateArray().ToList();
            await Console.Out.WriteLineAsync(TopView.Summary(programs));
            await Console.Out.WriteAsync(Terminal.Plain(TopView.Columns, TopView.Rows(programs, sort, DateTimeOffset.UtcNow)));
            return KrustPmCommandLine.ExitOk;
        }

        return await LiveAsync(connection, sort, body);
    }

    /// <summary>The live view: redrawn each second, at once after an event, and when a key changes the order.</summary>
    private static async Task<int> LiveAsync(ApiConnection connection, TopSort sort, string first)
    {
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var wake = new SemaphoreSlim(0);
        _ = WatchEventsAsync(connection, wake, stop.Token);
        var body = first;
        var problem = (string?)null;
        AnsiConsole.Console.AlternateScreen(() =>
            AnsiConsole.Live(Render(body, sort, problem)).AutoClear(false).Start(context =>
            {
                while (!stop.IsCancellationRequested)
                {
                    context.UpdateTarget(Render(body, sort, problem));
                    var deadline = DateTime.UtcNow + Refresh;
                    while (!stop.IsCancellationRequested && DateTime.UtcNow < deadline)
                    {
                        if (Console.KeyAvailable)
                        {
                            switch (char.ToLowerInvariant(Console.ReadKey(intercept: true).KeyChar))
                            {
                                case 'q' or (char)27:
                                    stop.Cancel();
                                    break;
                                case 'c':
                                    sort = TopSort.Cpu;
                                    break;
                                case 'm':
                                    sort = TopSort.Memory;
                                    break;
                                case 'n':
                                    sort = TopSort.Name;
                                    break;
                            }

                            context.UpdateTarget(Render(body, sort, problem));
                        }

                        if (wake.Wait(50))
                        {
                            break; // an event: read the state again now
                        }
                    }

                    (body, problem) = Fetch(connection, body);
                }
            }));
        return KrustPmCommandLine.ExitOk;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static (string Body, string? Problem) Fetch(ApiConnection connection, string last)
    {
        try
        {
            using var client = connection.CreateClient();
            client.Timeout = TimeSpan.FromSeconds(5);
            return (client.GetStringAsync("api/v1/programs").GetAwaiter().GetResult(), null);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return (last, $"cannot reach krust-pm at {connection.Describe}: {error.Message}; retrying");
        }
    }

    /// <summary>Wakes the view on each of krust-pm's events (a status changed); reconnects when the stream ends.</summary>
    private static async Task WatchEventsAsync(ApiConnection connection, SemaphoreSlim wake, CancellationToken stop)
    {
        using var client = connection.CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var stream = await client.GetStreamAsync("api/v1/events", stop);
                await foreach (var _ in SseParser.Create(stream).EnumerateAsync(stop))
                {
                    wake.Release();
                }
            }
            catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException)
            {
                // krust-pm went away, or top quits: the view says so from its own reads.
            }

            await Task.Delay(TimeSpan.FromSeconds(3), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static Rows Render(string body, TopSort sort, string? problem)
    {
        using var document = JsonDocument.Parse(body);
        var programs = document.RootElement.EnumerateArray().ToList();
        var order = sort switch { TopSort.Memory => "memory", TopSort.Name => "name", _ => "CPU" };
        var header = new Markup(
            $"[bold]krust-pm top[/]  {Markup.Escape(TopView.Summary(programs))}\n" +
            $"sorted by {order}: [bold]c[/] CPU, [bold]m[/] memory, [bold]n[/] name, [bold]q[/] quit" +
            (problem is null ? string.Empty : $"\n[red]{Markup.Escape(problem)}[/]"));
        var table = Terminal.Table(TopView.Columns, TopView.Rows(programs, sort, DateTimeOffset.UtcNow), AnsiConsole.Profile.Width);
        return new Rows(header, table);
    }
}
