using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>How krust-pm writes its own log.</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line.</summary>
    Json,
}

/// <summary>A loaded, valid krust-pm configuration.</summary>
/// <param name="Path">The absolute path of the configuration file.</param>
/// <param name="Server">Where the HTTP API listens (<c>server-port</c>).</param>
/// <param name="Programs">The programs, in file order, with defaults applied.</param>
public sealed record KrustConfig(string Path, ServerAddress Server, ImmutableArray<ProgramSpec> Programs)
{
    /// <summary>Where instances' output files go (<c>log_dir</c>, absolute). Defaults to <c>logs/</c> beside the file.</summary>
    public string LogDirectory { get; init; } = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path) ?? ".", "logs");

    /// <summary>krust-pm's own log format (<c>log_format</c>).</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>Whether every instance's output is also printed on krust-pm's stdout (<c>attach</c>).</summary>
    public bool Attach { get; init; }

    /// <summary>
    /// The bearer token every API request but <c>/healthz</c> must carry (<c>auth_token</c>, or the environment
    /// variable <c>KRUST_PM_TOKEN</c>); <see langword="null"/>: no token needed.
    /// </summary>
    public string? AuthToken { get; init; }

    /// <summary>
    /// Whether krust-pm reloads the file when it changes (<c>watch_config</c>): after a short quiet time, so that a
    /// save by an editor (several writes, or a write then a rename) reloads once.
    /// </summary>
    public bool WatchConfig { get; init; }

    /// <summary>
    /// The environment variable <c>auth_token = "env:VARIABLE"</c> names, if it does: a secret of krust-pm's that
    /// its programs must not inherit (as <c>KRUST_PM_TOKEN</c>).
    /// </summary>
    public string? AuthTokenVariable { get; init; }

    /// <summary>Whether every endpoint that changes something answers 403 (<c>read_only</c>).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Where and how the engine's events are journaled (<c>journal</c>, <c>journal_dir</c>...).</summary>
    public JournalSettings Journal { get; init; } = JournalSettings.Beside(Path);

    /// <summary>
    /// How often krust-pm samples the CPU and memory of every running instance (<c>sample_interval_ms</c>, 2 s);
    /// <see cref="TimeSpan.Zero"/> turns sampling off (and with it <c>max_memory</c>).
    /// </summary>
    public TimeSpan SampleInterval { get; init; } = DefaultSampleInterval;

    /// <summary>
    /// Whether <c>GET /metrics</c> answers without the token to requests from this machine (loopback or the Unix
    /// socket), for a local Prometheus agent (<c>metrics_public</c>). Its host names are still checked.
    /// </summary>
    public bool MetricsPublic { get; init; }

    /// <summary>The default of <see cref="SampleInterval"/>.</summary>
    public static readonly TimeSpan DefaultSampleInterval = TimeSpan.FromSeconds(2);

    /// <summary>The shortest <see cref="SampleInterval"/> above zero (a sample reads every process's /proc files).</summary>
    public static readonly TimeSpan MinSampleInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The most log followers and event streams served at once (<c>max_streams</c>); one more is a 503.</summary>
    public int MaxStreams { get; init; } = DefaultMaxStreams;

    /// <summary>When krust-pm stops by itself (<c>exit_when</c>), for one-shot containers; see <see cref="ExitRule"/>.</summary>
    public ExitWhen ExitWhen { get; init; } = ExitWhen.Never;

    /// <summary>
    /// Whether krust-pm (when it is not PID 1) becomes a child subreaper (<c>subreaper</c>): orphaned descendants of
    /// its programs are handed to it and reaped, as PID 1 does in a container.
    /// </summary>
    public bool Subreaper { get; init; }

    /// <summary>
    /// How krust-pm contains its programs' processes (<c>cgroup</c>): <c>"auto"</c> (the default: a cgroup v2 tree under
    /// the cgroup krust-pm runs in, where it may write one; else process groups), <c>"off"</c> (process groups only),
    /// or the absolute path of a cgroup v2 directory to make krust-pm's tree under (an error when that is impossible).
    /// </summary>
    public string Cgroup { get; init; } = CgroupAuto;

    /// <summary>Whether the file sets <see cref="Cgroup"/> (else it is the default): only then does a fallback warn.</summary>
    public bool CgroupWritten { get; init; }

    /// <summary>The value of <see cref="Cgroup"/> that turns containment in cgroups off.</summary>
    public const string CgroupOff = "off";

    /// <summary>The value of <see cref="Cgroup"/> that finds a writable cgroup v2, else falls back to process groups.</summary>
    public const string CgroupAuto = "auto";

    /// <summary>The files <c>include</c> read (absolute paths, in order): a change to one reloads like a change to <see cref="Path"/>.</summary>
    public ImmutableArray<string> IncludedFiles { get; init; } = [];

    /// <summary>The folders the <c>include</c> patterns look in: a file appearing in one reloads too.</summary>
    public ImmutableArray<string> IncludeFolders { get; init; } = [];

    /// <summary>The default of <see cref="MaxStreams"/>.</summary>
    public const int DefaultMaxStreams = 256;

    /// <summary>The largest <see cref="MaxStreams"/> accepted.</summary>
    public const int MaxMaxStreams = 100_000;
}
