using System.Text;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>A temporary log directory with an <see cref="OutputStore"/> over it; deleted on dispose.</summary>
internal sealed class LogFolder : IDisposable
{
    public LogFolder() => Store = new OutputStore(Path);

    public string Path { get; } = Directory.CreateTempSubdirectory("krust-logs-").FullName;

    public OutputStore Store { get; }

    public OutputSink Sink(LogPolicy? policy = null, OutputKind stream = OutputKind.Stdout) =>
        Store.Sink("web", 0, stream, policy ?? LogPolicy.Default);

    public string CurrentFile(OutputKind stream = OutputKind.Stdout) => Store.PathOf("web", 0, stream);

    /// <summary>The names of the files in the directory, sorted.</summary>
    public List<string> FileNames() =>
        [.. Directory.EnumerateFileSystemEntries(Path).Select(entry => System.IO.Path.GetFileName(entry)).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(Path, recursive: true);
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(string path) => File.ReadAllText(path);
}
