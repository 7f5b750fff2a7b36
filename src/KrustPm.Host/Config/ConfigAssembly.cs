namespace KrustPm.Host.Config;

/// <summary>
/// What one load gathers across the main file and the files it includes (<c>include = ["conf.d/*.toml"]</c>): each
/// file's problems, where each program was first defined, every program's dependencies (checked once all are read),
/// and the chain of files being read (to refuse a cycle).
/// </summary>
internal sealed class ConfigAssembly(ProblemList main)
{
    /// <summary>The main file's problems.</summary>
    public ProblemList Main { get; } = main;

    /// <summary>Every file's problems, the main file's first, then each included file in the order it was read.</summary>
    public List<ProblemList> Files { get; } = [main];

    /// <summary>Where each program was first defined: file and line.</summary>
    public Dictionary<string, (string File, int? Line)> Programs { get; } = new(StringComparer.Ordinal);

    /// <summary>Every program's dependencies, from every file.</summary>
    public List<DeclaredDependencies> Declared { get; } = [];

    /// <summary>The limits enforced through cgroups that the programs of every file set.</summary>
    public List<LimitedProgram> Limited { get; } = [];

    /// <summary>The files being read, outermost first: an include of one of them is a cycle.</summary>
    public List<string> Chain { get; } = [main.File];

    /// <summary>The included files that were read, in order (the watcher watches them too).</summary>
    public List<string> Included { get; } = [];

    /// <summary>The folders <c>include</c> patterns look in (where a new file can appear), in order, without repeats.</summary>
    public List<string> IncludeFolders { get; } = [];

    /// <summary>Whether any file has a problem.</summary>
    public bool HasProblems => Files.Any(f => f.Count > 0);
}
