using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Config;

namespace KrustPm.Host.Export;

/// <summary>Probes, the Service of a program's ports, and the init containers that wait for a dependency's Service.</summary>
internal static partial class KubernetesExporter
{
    /// <summary>
    /// The ports a program serves on: <c>port_base</c> (every replica listens on it, in its own pod), then the ports its
    /// network probes check on its own address. Empty: no Service.
    /// </summary>
    private static ImmutableArray<int> ServicePorts(ProgramSpec program)
    {
        var ports = new List<int>();
        if (program.PortBase is { } portBase)
        {
            ports.Add(portBase);
        }

        foreach (var probe in new[] { program.Readiness, program.Liveness })
        {
            if (probe is not null && Target(probe) is { Local: true, Port: var port } && !ports.Contains(port))
            {
                ports.Add(port);
            }
        }

        return [.. ports];
    }

    private static JsonObject Service(ProgramExport export, ImmutableArray<int> ports) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(export),
        ["spec"] = new JsonObject
        {
            ["selector"] = Labels(export),
            ["ports"] = new JsonArray([.. ports.Select(port => (JsonNode)new JsonObject
            {
                ["name"] = PortName(port),
                ["port"] = port,
                ["targetPort"] = port,
                ["protocol"] = "TCP",
            })]),
        },
    };

    /// <summary>A DNS label for a container: sanitized, at most 63 characters.</summary>
    private static string Label(string text)
    {
        var label = ExportNames.Sanitize(text);
        return label.Length <= MaxName ? label : label[..MaxName].TrimEnd('-');
    }

    private static string PortName(int port) => $"port-{port.ToString(CultureInfo.InvariantCulture)}";

    private static void Probes(ProgramExport export, JsonObject container)
    {
        var program = export.Program;
        if (program.Readiness is { } readiness)
        {
            container["readinessProbe"] = Probe(export, "readiness", readiness);
        }

        if (program.Liveness is { } liveness)
        {
            container["livenessProbe"] = Probe(export, "liveness", liveness);
        }

        if (program.ReadyLogLine is { } line)
        {
            export.Notes.Add($"ready_log_line = \"{line}\": Kubernetes cannot watch output for a line (give the program a readiness probe)");
        }

        var local = new[] { program.Readiness, program.Liveness }.OfType<ProbeSpec>().Select(Target).FirstOrDefault(t => t is { Local: true, Loopback: true });
        if (local is { } target)
        {
            export.Comments.Add(
                $"The probes and the Service reach the pod's own address, not {target.Host}: the program must listen on all addresses (0.0.0.0), not only on {target.Host}");
        }
    }

    private static JsonObject Probe(ProgramExport export, string which, ProbeSpec probe)
    {
        var result = new JsonObject();
        if (!probe.Exec.IsDefaultOrEmpty)
        {
            result["exec"] = new JsonObject { ["command"] = Strings(probe.Exec) };
        }
        else
        {
            var target = Target(probe)!.Value;
            var action = new JsonObject();
            if (!target.Local)
            {
                action["host"] = target.Host;
            }

            action["port"] = target.Port;
            if (probe.Http is { } http && new Uri(http) is var url)
            {
                action["path"] = url.PathAndQuery;
                action["scheme"] = url.Scheme.ToUpperInvariant();
            }

            result[probe.Http is null ? "tcpSocket" : "httpGet"] = action;
        }

        if (probe.InitialDelay > TimeSpan.Zero)
        {
            result["initialDelaySeconds"] = Seconds(probe.InitialDelay);
        }

        result["periodSeconds"] = Math.Max(1, Seconds(probe.Period));
        result["timeoutSeconds"] = Math.Max(1, Seconds(probe.Timeout));
        result["failureThreshold"] = probe.FailureThreshold;
        foreach (var (key, span) in new[] { ("initial_delay_ms", probe.InitialDelay), ("period_ms", probe.Period), ("timeout_ms", probe.Timeout) })
        {
            if (span.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                export.Comments.Add(
                    $"{which} {key} = {((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} is {Math.Max(1, Seconds(span)).ToString(CultureInfo.InvariantCulture)}s: Kubernetes counts probe times in whole seconds");
            }
        }

        return result;
    }

    /// <summary>
    /// Where a network probe connects: its host and port, whether that is the program's own address (loopback or
    /// unspecified: in Kubernetes the pod's address, so the host is left out) and whether it is loopback.
    /// </summary>
    private static (string Host, int Port, bool Local, bool Loopback)? Target(ProbeSpec probe)
    {
        string host;
        int port;
        if (probe.Http is { } http && Uri.TryCreate(http, UriKind.Absolute, out var url))
        {
            (host, port) = (url.Host.Trim('[', ']'), url.Port);
        }
        else if (probe.Http is not null)
        {
            return null; // placeholders in the address: no fixed target
        }
        else if (probe.Tcp is { } address && address.LastIndexOf(':') is > 0 and var colon
            && int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var tcpPort))
        {
            (host, port) = (address[..colon].Trim('[', ']'), tcpPort);
        }
        else
        {
            return null;
        }

        var loopback = host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        var unspecified = IPAddress.TryParse(host, out var any) && (any.Equals(IPAddress.Any) || any.Equals(IPAddress.IPv6Any));
        return (host, port, loopback || unspecified, loopback);
    }

    /// <summary>
    /// <c>depends_on</c> with <c>healthy</c>: an init container that waits until the dependency's Service accepts a
    /// TCP connection, which kube-proxy allows only once one of its pods is ready. The other conditions have no
    /// equivalent inside a pod (noted).
    /// </summary>
    private static JsonArray InitContainers(ProgramExport export)
    {
        var waits = new JsonArray();
        foreach (var (dependency, condition) in export.Program.DependsOn)
        {
            var name = export.Names[dependency];
            var ports = ServicePorts(export.Programs[dependency]);
            switch (condition)
            {
                case DependencyCondition.Healthy or DependencyCondition.HealthyAll when ports.IsEmpty:
                    export.Notes.Add($"depends_on {dependency} = \"{Describe(condition)}\": {dependency} has no port (port_base or a network probe), so no Service to wait on: it starts at once");
                    break;
                case DependencyCondition.Healthy or DependencyCondition.HealthyAll:
                    var port = ports[0].ToString(CultureInfo.InvariantCulture);
                    waits.Add((JsonNode)new JsonObject
                    {
                        ["name"] = Label($"wait-for-{dependency}"),
                        ["image"] = WaitImage,
                        ["command"] = Strings(["sh", "-c", $"until nc -z -w 2 {name} {port}; do echo waiting for {name}:{port}; sleep 2; done"]),
                    });
                    if (condition == DependencyCondition.HealthyAll)
                    {
                        export.Notes.Add($"depends_on {dependency} = \"healthy_all\": the init container waits for one ready pod of {name}, not all");
                    }

                    if (export.Programs[dependency].Readiness is null)
                    {
                        export.Notes.Add($"depends_on {dependency} = \"{Describe(condition)}\": {dependency} has no readiness probe, so its pods are ready once started");
                    }

                    break;
                case DependencyCondition.Started:
                    export.Notes.Add($"depends_on {dependency} = \"started\": Kubernetes starts every workload at once");
                    break;
                default:
                    export.Notes.Add(
                        $"depends_on {dependency} = \"{Describe(condition)}\": a pod cannot wait for a Job; apply {name} first and kubectl wait --for=condition=complete job/{name}");
                    break;
            }
        }

        if (export.Program.RestartWith)
        {
            export.Notes.Add("restart_with = true: Kubernetes does not restart a workload when its dependency restarts");
        }

        return waits;
    }

    /// <summary>A condition as the configuration writes it.</summary>
    private static string Describe(DependencyCondition condition) =>
        ProgramKeyValues.Conditions.First(c => c.Condition == condition).Name;
}
