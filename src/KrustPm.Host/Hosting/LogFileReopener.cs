using KrustPm.Engine.Logs;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Reopens every program's log files (after logrotate moved them, with <c>create</c>) and logs who asked: SIGUSR1
/// or <c>POST /api/v1/logs/reopen</c>.
/// </summary>
internal sealed partial class LogFileReopener(OutputStore output, ILogger<LogFileReopener> logger)
{
    /// <summary>Closes every open log file; the next write of each opens the file then at its path.</summary>
    /// <param name="askedBy">Who asked, for the log: <c>SIGUSR1</c>, <c>the API</c>.</param>
    /// <returns>How many files were open.</returns>
    public int Reopen(string askedBy)
    {
        var reopened = output.ReopenFiles();
        Reopened(logger, reopened, askedBy);
        return reopened;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "log files reopened ({Count} were open), asked by {AskedBy}")]
    private static partial void Reopened(ILogger logger, int count, string askedBy);
}
