// KrustPm.Engine embedded in a console program: two programs described in code, started, scaled, watched and
// stopped on Ctrl-C or SIGTERM. docs/embedding.md walks through it.
using Embedded;
using KrustPm.Engine;
using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;

ProgramSpec[] programs =
[
    // Argv is already split: no shell runs unless the program is one.
    new("ticker", "sh -c 'while :; do echo tick; sleep 1; done'", ["sh", "-c", "while :; do echo tick; sleep 1; done"]),
    new("worker", "sleep 3600", ["sleep", "3600"]) { Instances = 2, StopTimeout = TimeSpan.FromSeconds(3) },
];

await using var console = new ConsoleLines();
using var stop = new StopSignal();

// Each instance's stdout and stderr go to rotating files (bounded: 5 x 10 MiB each), and are shown as they come.
var logs = Path.Combine(AppContext.BaseDirectory, "logs");
using var output = new OutputStore(logs);
using var printer = new OutputPrinter(output, console);
using var launcher = new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default, output);
await using var engine = new ProcessEngine(launcher);

// Raised on the engine's loop for every message it applies, with the events it led to: describe them.
engine.Applied += applied =>
{
    foreach (var @event in applied.Events)
    {
        if (EventLines.Describe(@event) is { } line)
        {
            console.Print(line);
        }
    }
};

engine.Start();
console.Print($"embedded sample: pid {Environment.ProcessId}, output in {logs}; Ctrl-C to stop");

var loaded = await engine.LoadAsync(programs);
console.Print($"load: {Describe(loaded)}");
if (!loaded.Accepted)
{
    return 1;
}

try
{
    await engine.WaitForAsync(AllRunning, stop.Token);
    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);

    var scaled = await engine.ScaleAsync("worker", 3, stop.Token);
    console.Print($"scale worker 2 -> 3: {Describe(scaled)}");
    await engine.WaitForAsync(AllRunning, stop.Token);
    console.Print("all running");

    await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
}
catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
{
    // Ctrl-C or SIGTERM: stop below.
}

console.Print($"{stop.Received}: stopping every instance");
await engine.StopAsync();
console.Print($"stopped; processes left: {launcher.LiveRuns}");
return 0;

static bool AllRunning(EngineState state) =>
    state.Programs.All(program => program.Instances.All(instance => instance.Status == InstanceStatus.Running));

static string Describe(CommandResult result) => result.Accepted
    ? $"accepted, {result.Affected} instance(s) affected"
    : $"refused ({result.Rejection}): {result.Reason}";
