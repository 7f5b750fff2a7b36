using KrustPm.Host.Cli;
using KrustPm.Host.Hosting;

ChildSignals.RestoreDefault();
DescriptorLimit.RaiseSoftToHard();
return await KrustPmCommandLine.InvokeAsync(args);

/// <summary>The krust-pm executable; public so tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
