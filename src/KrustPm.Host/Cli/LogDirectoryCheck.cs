namespace KrustPm.Host.Cli;

/// <summary>
/// Whether instances' output files can be kept in <c>log_dir</c>: a directory (or one that can be created) where
/// files can be created. <c>run</c> creates it; <c>check</c> tries the same without leaving anything behind.
/// </summary>
internal static class LogDirectoryCheck
{
    /// <summary>Checks the log directory.</summary>
    /// <param name="directory">The absolute path.</param>
    /// <param name="create">Create it when missing (<c>run</c>); otherwise only find out whether it could be.</param>
    /// <returns>What is wrong, as words following the path (<c>is not a directory</c>); <see langword="null"/> when usable.</returns>
    public static string? Problem(string directory, bool create)
    {
        if (File.Exists(directory))
        {
            return "is not a directory";
        }

        if (!Directory.Exists(directory))
        {
            if (NearestExistingParent(directory, out var parent) is { } blocked)
            {
                return blocked;
            }

            if (!create)
            {
                return CouldBeCreated(parent!);
            }

            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                return $"cannot be created: {Reason(error)}";
            }
        }

        var probe = Path.Combine(directory, $".krust-pm-write-test-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written: {Reason(error)}";
        }
    }

    /// <summary>Finds the nearest parent of a missing directory that exists.</summary>
    /// <returns>Why the directory cannot be created (a parent is a file, or none exists); <see langword="null"/> with the parent.</returns>
    private static string? NearestExistingParent(string directory, out string? parent)
    {
        parent = Path.GetDirectoryName(directory);
        while (parent is not null && !Directory.Exists(parent))
        {
            if (File.Exists(parent))
            {
                return $"cannot be created: {parent} is not a directory";
            }

            parent = Path.GetDirectoryName(parent);
        }

        return parent is null ? "cannot be created: no parent folder exists" : null;
    }

    /// <summary>Whether a folder can be created in <paramref name="parent"/>: one is made there and removed.</summary>
    private static string? CouldBeCreated(string parent)
    {
        var probe = Path.Combine(parent, $".krust-pm-check-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"cannot be created: {Reason(error)}";
        }
    }

    private static string Reason(Exception error) => error switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "this file system does not allow creating files there",
        _ => error.Message,
    };
}
