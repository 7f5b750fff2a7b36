namespace KrustPm.Host.Import;

/// <summary>
/// One program as an import translates it: krust-pm keys with their TOML values (already written as TOML), each with
/// an optional comment saying where it comes from, its environment, and what could not be translated.
/// </summary>
internal sealed class ImportedProgram(string name, string origin)
{
    private readonly List<(string Key, string Toml, string? Comment)> _keys = [];
    private readonly List<(string Name, string Toml)> _env = [];
    private readonly List<string> _notTranslated = [];

    /// <summary>The krust-pm program name.</summary>
    public string Name { get; } = name;

    /// <summary>Where it comes from, e.g. <c>[program:web] in /etc/supervisor/conf.d/web.conf:3</c>.</summary>
    public string Origin { get; } = origin;

    /// <summary>Notes written above the program (why a name was changed, what a value means).</summary>
    public List<string> Notes { get; } = [];

    public IReadOnlyList<(string Key, string Toml, string? Comment)> Keys => _keys;

    public IReadOnlyList<(string Name, string Toml)> Env => _env;

    public IReadOnlyList<string> NotTranslated => _notTranslated;

    /// <summary>The groups the program is in (written as <c>groups</c>).</summary>
    public List<string> Groups { get; } = [];

    public void Set(string key, string toml, string? comment = null)
    {
        _keys.RemoveAll(k => k.Key == key);
        _keys.Add((key, toml, comment));
    }

    public bool Has(string key) => _keys.Exists(k => k.Key == key);

    public void SetEnv(string variable, string toml)
    {
        _env.RemoveAll(e => e.Name == variable);
        _env.Add((variable, toml));
    }

    public bool HasEnv(string variable) => _env.Exists(e => e.Name == variable);

    /// <summary>A setting with no krust-pm equivalent: written as <c># not translated: KEY = VALUE (why)</c>.</summary>
    public void NotTranslatable(string key, string value, string why) =>
        _notTranslated.Add($"{key} = {value.ReplaceLineEndings(" ")} ({why})");
}
