namespace KrustPm.Host.Tests.Config;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("krust-pm-config-tests-").FullName;
    }

    /// <summary>The directory's absolute path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> in the directory.</summary>
    /// <returns>The file's absolute path.</returns>
    public string WriteFile(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    /// <summary>Creates the subdirectory <paramref name="name"/>.</summary>
    /// <returns>Its absolute path.</returns>
    public string CreateDirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
