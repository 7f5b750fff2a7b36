using System.Diagnostics.CodeAnalysis;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Finds the file a command names, as execvp would: a name with a slash is a path (relative to the working
/// directory), a bare name is searched in the program's PATH. Doing it before the launch turns "not found" and "not executable"
/// into clear start failures instead of an exit code from a wrapper.
/// </summary>
internal static class ExecutableLookup
{
    private const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    public static bool TryResolve(
        string command,
        string workingDirectory,
        string? searchPath,
        [NotNullWhen(true)] out string? path,
        [NotNullWhen(false)] out string? error)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            path = Path.GetFullPath(command, workingDirectory);
            error = Problem(path);
            return error is null;
        }

        var search = searchPath is { Length: > 0 } ? searchPath : DefaultPath;
        foreach (var folder in search.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.GetFullPath(command, Path.GetFullPath(folder, workingDirectory));
            if (Problem(candidate) is null)
            {
                path = candidate;
                error = null;
                return true;
            }
        }

        path = null;
        error = $"command not found: '{command}' is not an executable file in PATH ({search})";
        return false;
    }

    private static string? Problem(string path)
    {
        if (Directory.Exists(path))
        {
            return $"cannot execute '{path}': it is a directory";
        }

        if (!File.Exists(path))
        {
            return $"no such file: '{path}'";
        }

        return NativeMethods.Access(path, NativeMethods.ExecuteOk) == 0
            ? null
            : $"permission denied: '{path}' is not executable";
    }
}
