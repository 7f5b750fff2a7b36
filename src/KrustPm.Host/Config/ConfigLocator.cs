using System.Collections.Immutable;

namespace KrustPm.Host.Config;

/// <summary>Finds the configuration file: the one given with <c>--config</c>, or a default name in the current directory.</summary>
public static class ConfigLocator
{
    /// <summary>The preferred default file name.</summary>
    public const string DefaultFileName = "krust-pm.toml";

    /// <summary>The fallback default file name (the name used by rust-pm).</summary>
    public const string FallbackFileName = "rust-pm.toml";

    /// <summary>Finds the configuration file.</summary>
    /// <param name="explicitPath">The path given by the user (<c>--config</c>), if any; relative to <paramref name="currentDirectory"/>.</param>
    /// <param name="currentDirectory">The directory to resolve against and to search.</param>
    /// <returns>
    /// With <paramref name="explicitPath"/>: that file, which must exist. Otherwise <c>krust-pm.toml</c> in
    /// <paramref name="currentDirectory"/>, else <c>rust-pm.toml</c> there.
    /// </returns>
    public static ConfigLocation Locate(string? explicitPath, string currentDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(currentDirectory);
        var directory = Path.GetFullPath(currentDirectory);
        if (explicitPath is not null)
        {
            return LocateExplicit(explicitPath, directory);
        }

        ImmutableArray<string> candidates =
            [Path.Combine(directory, DefaultFileName), Path.Combine(directory, FallbackFileName)];
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return new ConfigLocation(candidate, null, candidates);
            }
        }

        var error = $"no configuration file found: looked for {string.Join(" and ", candidates)}; pass --config FILE";
        return new ConfigLocation(null, error, candidates);
    }

    private static ConfigLocation LocateExplicit(string explicitPath, string directory)
    {
        if (string.IsNullOrWhiteSpace(explicitPath))
        {
            return new ConfigLocation(null, "configuration file not given: --config needs a file path", []);
        }

        string path;
        try
        {
            path = Path.GetFullPath(explicitPath, directory);
        }
        catch (ArgumentException)
        {
            return new ConfigLocation(null, $"invalid configuration file path: {explicitPath} (from --config)", []);
        }

        if (File.Exists(path))
        {
            return new ConfigLocation(path, null, [path]);
        }

        var error = Directory.Exists(path)
            ? $"configuration file is a directory: {path} (from --config)"
            : $"configuration file not found: {path} (from --config)";
        return new ConfigLocation(null, error, [path]);
    }
}
