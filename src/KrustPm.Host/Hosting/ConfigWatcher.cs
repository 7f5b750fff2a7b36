using System.Security.Cryptography;

namespace KrustPm.Host.Hosting;

/// <summary>
/// <c>watch_config = true</c>: reloads the configuration file when it changes. Every change restarts a quiet time of
/// <see cref="QuietTime"/>, and the file is read once none came for that long: an editor's save (a write of a temporary
/// file then a rename into place, or several writes) reloads once, and never from a half-written file. A save that
/// leaves the content as it was reloads nothing. Follows <c>watch_config</c> itself across reloads.
/// </summary>
internal sealed partial class ConfigWatcher(
    ConfigReload reload,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ConfigWatcher> logger) : IHostedLifecycleService, IDisposable
{
    /// <summary>How long the file must stay unchanged before it is read.</summary>
    public static readonly TimeSpan QuietTime = TimeSpan.FromMilliseconds(300);

    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _quiet;
    private byte[] _lastContent = [];

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Watches once the programs are loaded (a change before would have nothing to reload against).</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        reload.Applied += config => Follow(config.WatchConfig);
        Follow(reload.Current.WatchConfig);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        Follow(false);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => Follow(false);

    private void Follow(bool watch)
    {
        var path = reload.Current.Path;
        lock (_lock)
        {
            if (watch && _watcher is null && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                _lastContent = Hash(path);
                _quiet = time.CreateTimer(_ => OnQuiet(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

                // The folder, not the file: an editor's save replaces the file (a new inode), which a watch on the old one would miss.
                _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                _watcher.Changed += OnEvent;
                _watcher.Created += OnEvent;
                _watcher.Deleted += OnEvent;
                _watcher.Renamed += OnEvent;
                _watcher.EnableRaisingEvents = true;
                LogWatching(path, (long)QuietTime.TotalMilliseconds);
            }
            else if (!watch && _watcher is not null)
            {
                _watcher.Dispose();
                _watcher = null;
                _quiet?.Dispose();
                _quiet = null;
                LogNotWatching(path);
            }
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs change)
    {
        var name = Path.GetFileName(reload.Current.Path);
        if (change.Name == name || (change is RenamedEventArgs renamed && renamed.OldName == name))
        {
            lock (_lock)
            {
                _quiet?.Change(QuietTime, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The file has been quiet for <see cref="QuietTime"/>: reload it, unless its content is what was loaded last.</summary>
    private async void OnQuiet()
    {
        try
        {
            var path = reload.Current.Path;
            var content = Hash(path);
            lock (_lock)
            {
                if (_watcher is null || content.AsSpan().SequenceEqual(_lastContent))
                {
                    return;
                }

                _lastContent = content;
            }

            await reload.ReloadAsync("the configuration file changed (watch_config)", dryRun: false, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            // krust-pm is stopping: no reload now.
        }
        catch (Exception error)
        {
            // An async void must not throw: a failed reload is logged, and krust-pm keeps its configuration.
            LogFailed(error.Message);
        }
    }

    /// <summary>The hash of the file's content; empty when it cannot be read (it is then reloaded, and the loader says why).</summary>
    private static byte[] Hash(string path)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "watching {File}: a change is reloaded once the file has been quiet for {QuietMs} ms (watch_config)")]
    private partial void LogWatching(string file, long quietMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "no longer watching {File} (watch_config = false)")]
    private partial void LogNotWatching(string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "watch_config: the reload failed: {Reason}; krust-pm keeps its configuration")]
    private partial void LogFailed(string reason);
}
