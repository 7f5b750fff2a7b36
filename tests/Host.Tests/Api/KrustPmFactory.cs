using KrustPm.Engine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// The real krust-pm host (its <c>Main</c>, command line, config loading and API) in memory, on a config file of
/// the test's, with the <see cref="ScriptedLauncher"/> instead of real processes.
/// </summary>
public sealed class KrustPmFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-api-").FullName;

    public KrustPmFactory(string toml)
    {
        ConfigPath = Path.Combine(_folder, "krust-pm.toml");
        File.WriteAllText(ConfigPath, toml);
    }

    public string ConfigPath { get; }

    public ScriptedLauncher Launcher { get; } = new();

    public ProcessEngine Engine => Services.GetRequiredService<ProcessEngine>();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // Reaches krust-pm's Main as "--config=PATH", exactly like the command-line option.
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection([new("config", ConfigPath)]));
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IProcessLauncher>(Launcher)));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
