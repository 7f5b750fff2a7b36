namespace KrustPm.Engine.Linux;

/// <summary>
/// One thread, alive for the whole process, that forks every child. Linux delivers a child's parent-death signal
/// when the <em>thread</em> that forked it exits: forking from thread-pool threads would kill children whenever an
/// idle pool thread retires. Work runs in the order it was posted, so a signal never overtakes the launch it targets.
/// </summary>
internal sealed class LaunchThread
{
    // A plain queue under a monitor: the thread sleeps until work comes (a BlockingCollection spins first, which cost
    // a crash loop's restarts more CPU than the launches themselves).
    private readonly Queue<Action> _work = [];
    private readonly object _gate = new();

    private LaunchThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "krust-pm launcher" };
        thread.Start();
    }

    /// <summary>The process-wide launch thread (never exits, so children are never orphaned by it).</summary>
    public static LaunchThread Instance { get; } = new();

    /// <summary>Runs <paramref name="work"/> on the launch thread, after everything posted before it.</summary>
    public void Post(Action work)
    {
        lock (_gate)
        {
            _work.Enqueue(work);
            if (_work.Count == 1)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on the launch thread, after everything posted before it; its result (or exception) comes back.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                done.TrySetResult(work());
            }
            catch (Exception error)
            {
                done.TrySetException(error);
            }
        });
        return done.Task;
    }

    private void Run()
    {
        while (true)
        {
            Action work;
            lock (_gate)
            {
                while (_work.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                work = _work.Dequeue();
            }

            try
            {
                work();
            }
            catch (Exception error)
            {
                // This thread must outlive every child it forked (their parent-death signal is tied to it): a bug in
                // one piece of work must not end it. The work reports its own failures; this is the last resort.
                Console.Error.WriteLine($"krust-pm: launcher error: {error}");
            }
        }
    }
}
