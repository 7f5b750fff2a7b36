namespace KrustPm.Engine.Logs;

/// <summary>
/// Where an instance's output goes: <c>{program}.{instance}.{stdout|stderr}.log</c> in the log directory, rotated to
/// <c>.log.1</c> (newest) ... <c>.log.N</c> (oldest).
/// </summary>
public static class LogFileNames
{
    /// <summary>The current log file of one stream of one instance.</summary>
    /// <param name="directory">The log directory.</param>
    /// <param name="program">The program's name.</param>
    /// <param name="instance">The instance id.</param>
    /// <param name="stream">The stream.</param>
    /// <returns>The file's full path.</returns>
    public static string Current(string directory, string program, long instance, OutputKind stream) =>
        Path.Combine(directory, $"{program}.{instance}.{(stream == OutputKind.Stdout ? "stdout" : "stderr")}.log");

    /// <summary>The <paramref name="generation"/>-th rotated file (1 is the newest); 0 is the current file.</summary>
    /// <param name="current">The current file's path.</param>
    /// <param name="generation">Which file: 0 is the current one.</param>
    /// <returns>The file's full path.</returns>
    public static string Rotated(string current, int generation) => generation == 0 ? current : $"{current}.{generation}";
}
