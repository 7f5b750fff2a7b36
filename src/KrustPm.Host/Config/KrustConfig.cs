using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Config;

/// <summary>A loaded, valid krust-pm configuration.</summary>
/// <param name="Path">The absolute path of the configuration file.</param>
/// <param name="Server">Where the HTTP API listens (<c>server-port</c>).</param>
/// <param name="Programs">The programs, in file order, with defaults applied.</param>
public sealed record KrustConfig(string Path, ServerAddress Server, ImmutableArray<ProgramSpec> Programs);
