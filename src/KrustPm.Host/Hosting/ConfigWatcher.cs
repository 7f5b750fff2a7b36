using System.Security.Cryptography;

namespace KrustPm.Host.Hosting;

/// <summary>
/// <c>watch_config = true</c>: reloads the configuration when its file, or a file it includes, changes (or a file appears in an included folder). Every change restarts a quiet time of
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
    private List<FileSystemWatcher>? _watchers;
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
        var config = reload.Current;
        lock (_lock)
        {
            if (watch && _watchers is null && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                _lastContent = Hash(config);
                _quiet = time.CreateTimer(_ => OnQuiet(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

                // Folders, not files: an editor's save replaces the file (a new inode), which a watch on the old one
                // would miss; and a file can appear in an included folder (conf.d/*.toml).
                _watchers = [];
                foreach (var folder in Folders(config).Where(Directory.Exists))
                {
                    var watcher = new FileSystemWatcher(folder)
                    {
                        NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                        IncludeSubdirectories = false,
                    };
                    watcher.Changed += OnEvent;
                    watcher.Created += OnEvent;
                    watcher.Deleted += OnEvent;
                    watcher.Renamed += OnEvent;
                    watcher.EnableRaisingEvents = true;
                    _watchers.Add(watcher);
                }

                LogWatching(config.Path, (long)QuietTime.TotalMilliseconds);
            }
            else if (!watch && _watchers is not null)
            {
                _watchers.ForEach(w => w.Dispose());
                _watchers = null;
                _quiet?.Dispose();
                _quiet = null;
                LogNotWatching(config.Path);
            }
            else if (watch && _watchers is not null && !Folders(config).SequenceEqual(_watchers.Select(w => w.Path)))
            {
                Follow(false); // a reload changed what is included: watch the new folders
                Follow(true);
            }
        }
    }

    /// <summary>The main file's folder, then those of the included files and of the include patterns.</summary>
    private static List<string> Folders(Config.KrustConfig config) =>
        [.. new[] { Path.GetDirectoryName(config.Path)! }
            .Concat(config.IncludedFiles.Select(f => Path.GetDirectoryName(f)!))
            .Concat(config.IncludeFolders)
            .Distinct(StringComparer.Ordinal)];

    private void OnEvent(object sender, FileSystemEventArgs change)
    {
        var config = reload.Current;
        var mainFolder = Path.GetDirectoryName(config.Path);
        var name = Path.GetFileName(config.Path);
        var relevant = ((FileSystemWatcher)sender).Path != mainFolder
            || change.Name == name
            || (change is RenamedEventArgs renamed && renamed.OldName == name)
            || config.IncludedFiles.Contains(change.FullPath);
        if (relevant)
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
            var content = Hash(reload.Current);
            lock (_lock)
            {
                if (_watchers is null || content.AsSpan().SequenceEqual(_lastContent))
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

    /// <summary>
    /// The hash of the configuration: the main file's content, each included file's, and the names in the include
    /// folders (a new or removed file there changes it). A file that cannot be read counts as empty (it is then
    /// reloaded, and the loader says why).
    /// </summary>
    private static byte[] Hash(Config.KrustConfig config)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in config.IncludedFiles.Prepend(config.Path))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(Content(file));
        }

        foreach (var folder in config.IncludeFolders.Where(Directory.Exists))
        {
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\n"));
            }
        }

        return hash.GetHashAndReset();
    }

    private static byte[] Content(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
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
