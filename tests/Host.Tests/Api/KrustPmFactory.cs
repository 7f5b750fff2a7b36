using KrustPm.Engine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// The real krust-pm host (its <c>Main</c>, command line, config loading and API) in memory, on a config file of
/// the test's, with the <see cref="ScriptedLauncher"/> instead of real processes (unless <c>realProcesses</c>). With <c>kestrel</c>, it serves on a
/// real Kestrel at the config's <c>server-port</c> (whose <c>{port}</c> becomes a free loopback port) instead of the
/// in-memory test server, which does not enforce Kestrel's limits nor see raw bytes.
/// </summary>
public sealed class KrustPmFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-api-").FullName;
    private readonly bool _realProcesses;
    private readonly Action<IServiceCollection>? _configureServices;

    public KrustPmFactory(string toml, bool kestrel = false, Action<KestrelServerOptions>? configureKestrel = null, bool realProcesses = false,
        Action<IServiceCollection>? configureServices = null)
    {
        _realProcesses = realProcesses;
        _configureServices = configureServices;
        ConfigPath = Path.Combine(_folder, "krust-pm.toml");
        Port = kestrel ? EndToEnd.KrustPmProcess.FreePort() : 0;
        File.WriteAllText(ConfigPath, toml.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (kestrel)
        {
            UseKestrel(configureKestrel ?? (_ => { }));
        }
    }

    public string ConfigPath { get; }

    /// <summary>The folder of the config file (the log directory is its <c>logs</c> folder).</summary>
    public string Folder => _folder;

    /// <summary>The loopback port of the real Kestrel, or 0 for the in-memory test server.</summary>
    public int Port { get; }

    /// <summary>Every line krust-pm logged, whatever its category.</summary>
    public CapturedLog Log { get; } = new();

    public ScriptedLauncher Launcher { get; } = new();

    public ProcessEngine Engine => Services.GetRequiredService<ProcessEngine>();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // Reaches krust-pm's Main as "--config=PATH --cgroup=off", exactly like the command-line options: in memory,
        // krust-pm is the test runner, which must not move itself into a cgroup tree.
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection([new("config", ConfigPath), new("cgroup", "off")]));
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Log);
            if (!_realProcesses)
            {
                services.Replace(ServiceDescriptor.Singleton<IProcessLauncher>(Launcher));
            }

            _configureServices?.Invoke(services);
        });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
