using System.Globalization;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// <see cref="ProgramSpec.StopSignalTarget"/> with real processes: a <c>/bin/sh</c> master (like a gunicorn or nginx
/// master) that starts a <c>sleep</c> worker in its process group and traps SIGTERM, then waits for the worker.
/// </summary>
public sealed class StopSignalTargetTests
{
    // The master notes the worker's pid, notes the SIGTERM it gets, and waits for its worker: it ends on its own only
    // once the worker has ended (which only a signal to the group or the SIGKILL after the stop timeout can do).
    private const string Master = """
        trap 'echo master-got-TERM >> "$1"' TERM
        sleep 1000 &
        worker=$!
        echo "worker $worker" >> "$1"
        wait $worker
        wait $worker
        echo worker-ended >> "$1"
        """;

    // With target main the test waits for the SIGKILL after this timeout; with target group the master ends on its own
    // long before it, so it is long there: a loaded machine must not turn the group's clean end into a SIGKILL.
    private static readonly TimeSpan MainStopTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan GroupStopTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(SignalTarget.Main)]
    [InlineData(SignalTarget.Group)]
    public async Task The_stop_signal_reaches_only_the_main_process_with_target_main_and_the_SIGKILL_after_the_timeout_the_whole_group(
        SignalTarget target)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var folder = Directory.CreateTempSubdirectory("krust-target-").FullName;
        var marks = Path.Combine(folder, "marks");
        using var launcher = new LinuxProcessLauncher();
        var engine = new ProcessEngine(launcher);
        // Filled on the engine's loop: the child may write its first mark before the loop has applied its Started.
        var pids = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var killed = false;
        engine.Applied += applied =>
        {
            if (applied.Message is Message.Started started)
            {
                pids.Enqueue(started.Pid);
            }

            killed |= applied.Events.Any(e => e is EngineEvent.Killed);
        };
        engine.Start();
        var spec = new ProgramSpec("master", "/bin/sh -c ...", ["/bin/sh", "-c", Master, "master", marks])
        {
            StopSignalTarget = target,
            StopTimeout = target == SignalTarget.Main ? MainStopTimeout : GroupStopTimeout,
            WorkingDirectory = folder,
        };

        var worker = 0;
        try
        {
            Assert.True((await engine.LoadAsync([spec], limit.Token)).Accepted);
            Assert.True(await ProcFs.WaitUntilAsync(() => !pids.IsEmpty && Marks(marks).Any(m => m.StartsWith("worker ", StringComparison.Ordinal)), Eventually.DefaultTimeout));
            worker = int.Parse(Marks(marks).First(m => m.StartsWith("worker ", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture);

            // The master notes the worker's pid right after its fork; until the worker has exec'd sleep it is a copy of
            // the shell, whose TERM handler would swallow the signal (then nothing ends it but the SIGKILL).
            Assert.True(await ProcFs.WaitUntilAsync(() => ProcFs.NameOf(worker) == "sleep", Eventually.DefaultTimeout), "the worker runs sleep");
            Assert.Equal(pids.First(), ProcFs.Ids(worker)?.Group); // the worker is in the master's group

            Assert.True((await engine.StopInstancesAsync("master", 0, limit.Token)).Accepted);

            var instance = engine.State.Programs[0].Instances[0];
            Assert.Contains("master-got-TERM", Marks(marks)); // the master got the stop signal either way
            if (target == SignalTarget.Main)
            {
                // The worker outlived the SIGTERM: its master kept waiting until the SIGKILL of the whole group.
                Assert.DoesNotContain("worker-ended", Marks(marks));
                Assert.True(killed);
                Assert.Equal(128 + Signals.Kill, instance.LastExitCode);
            }
            else
            {
                // The worker got the SIGTERM too: the master saw it end and exited on its own, long before the timeout.
                Assert.Contains("worker-ended", Marks(marks));
                Assert.False(killed);
                Assert.Equal(0, instance.LastExitCode);
            }

            Assert.True(await ProcFs.WaitUntilAsync(() => !ProcFs.IsAlive(worker), Eventually.DefaultTimeout), "the worker is left running");
            Assert.Empty(ProcFs.InSession(pids.First()));
        }
        finally
        {
            await engine.StopAsync(limit.Token);
            Cleanup.KillLeftovers([.. pids]);
            await Cleanup.DeleteAsync(folder);
        }
    }

    private static string[] Marks(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
