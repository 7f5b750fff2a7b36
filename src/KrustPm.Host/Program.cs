using KrustPm.Host.Cli;
using KrustPm.Host.Hosting;

if (ContainerInit.IsNeeded)
{
    return ContainerInit.Run(); // as PID 1: a small init in front of krust-pm (see ContainerInit for why)
}

using var startup = StartupStop.Catch(); // first of all: a stop while krust-pm starts is a clean stop
ContainerInit.AdoptParent(); // under an init: follow its death (a SIGTERM, caught just above)
ChildSignals.RestoreDefault();
DescriptorLimit.RaiseSoftToHard();
return await KrustPmCommandLine.InvokeAsync(args, startup);

/// <summary>The krust-pm executable; public so tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
