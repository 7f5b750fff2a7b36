using System.Globalization;
using System.Text.Json.Nodes;
using KrustPm.Engine;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Export;

/// <summary>The Deployment or Job of a program, its pod and its container.</summary>
internal static partial class KubernetesExporter
{
    private static JsonObject Deployment(ProgramExport export)
    {
        var program = export.Program;
        if (program.Restart == RestartPolicy.OnFailure)
        {
            export.Notes.Add("restart = \"on-failure\": a Deployment restarts its container after every exit, a clean one too (restart = \"never\" exports a Job)");
        }

        if (!program.Autostart)
        {
            export.Comments.Add($"autostart = false: replicas: 0; start it with kubectl scale deployment/{export.Name} --replicas={program.Instances}");
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = Metadata(export),
            ["spec"] = new JsonObject
            {
                ["replicas"] = program.Autostart ? program.Instances : 0,
                ["selector"] = new JsonObject { ["matchLabels"] = Labels(export) },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = Labels(export) },
                    ["spec"] = Pod(export, "Always"),
                },
            },
        };
    }

    /// <summary>
    /// A Job for a one-shot program: one pod per instance, all at once, none retried (<c>backoffLimit: 0</c>, as
    /// krust-pm does not restart a <c>restart = "never"</c> program).
    /// </summary>
    private static JsonObject Job(ProgramExport export)
    {
        var program = export.Program;
        var spec = new JsonObject
        {
            ["completions"] = program.Instances,
            ["parallelism"] = program.Instances,
            ["backoffLimit"] = 0,
        };
        if (!program.Autostart)
        {
            spec["suspend"] = true;
            export.Comments.Add($"autostart = false: suspend: true; start it with kubectl patch job/{export.Name} -p '{{\"spec\":{{\"suspend\":false}}}}'");
        }

        spec["template"] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = Labels(export) },
            ["spec"] = Pod(export, "Never"),
        };
        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = Metadata(export),
            ["spec"] = spec,
        };
    }

    private static JsonObject Pod(ProgramExport export, string restartPolicy)
    {
        var pod = new JsonObject
        {
            ["restartPolicy"] = restartPolicy,
            ["terminationGracePeriodSeconds"] = Seconds(export.Program.StopTimeout),
        };
        if (InitContainers(export) is { Count: > 0 } waits)
        {
            pod["initContainers"] = waits;
        }

        pod["containers"] = new JsonArray(Container(export));
        Unmapped(export);
        return pod;
    }

    private static JsonObject Container(ProgramExport export)
    {
        // Every replica runs as instance 0 would: each pod has its own address, so all can use port_base.
        var program = export.Program;
        var instance = InstanceVariables.For(program, 0, 0);
        var container = new JsonObject
        {
            ["name"] = Label(program.Name),
            ["image"] = export.Image,
            ["command"] = Strings([instance.Argv[0]]),
        };
        if (instance.Argv.Length > 1)
        {
            container["args"] = Strings(instance.Argv.Skip(1));
        }

        if (instance.WorkingDirectory is { } folder)
        {
            container["workingDir"] = folder;
        }

        container["env"] = new JsonArray([.. instance.Environment
            .Where(variable => variable.Key is not (InstanceVariables.InstanceVariable or InstanceVariables.IndexVariable))
            .Select(variable => (JsonNode)new JsonObject { ["name"] = variable.Key, ["value"] = variable.Value })]);
        if (ServicePorts(program) is { IsEmpty: false } ports)
        {
            container["ports"] = new JsonArray([.. ports.Select(port => (JsonNode)new JsonObject
            {
                ["name"] = PortName(port),
                ["containerPort"] = port,
                ["protocol"] = "TCP",
            })]);
        }

        if (program.PortBase is { } portBase && program.Instances > 1)
        {
            export.Comments.Add($"port_base = {portBase}: every replica listens on {portBase} in its own pod (PORT = {portBase}); the Service spreads connections over them");
        }

        Probes(export, container);
        return container;
    }

    private static void Unmapped(ProgramExport export)
    {
        var program = export.Program;
        if (UsesInstanceValues(program))
        {
            export.Notes.Add("{id}/{index} in command, args, env or workdir: replicas are alike, each gets instance 0's value (and no KRUST_PM_INSTANCE/KRUST_PM_INDEX)");
        }

        if (program.Restart != RestartPolicy.Never && !program.RetriesForever)
        {
            export.Notes.Add($"max_retries = {program.MaxRetries.ToString(CultureInfo.InvariantCulture)}, restart_delay_ms, min_uptime_ms: Kubernetes restarts with its own back-off (10 s doubling to 5 min), without a limit");
        }

        if (program.SuccessExitCodes is not [0])
        {
            export.Notes.Add($"success_exit_codes = [{string.Join(", ", program.SuccessExitCodes)}]: Kubernetes counts only 0 as a success");
        }

        if (program.StopSignal != Signals.Terminate)
        {
            export.Notes.Add($"stop_signal = \"{Signals.NameOf(program.StopSignal)}\": Kubernetes stops a container with SIGTERM (or the image's STOPSIGNAL)");
        }

        if (program.StopSignalTarget == SignalTarget.Main)
        {
            export.Notes.Add("stop_signal_target = \"main\": the container's main process gets the signal in any case");
        }

        if (program.User is { } user)
        {
            export.Notes.Add($"user = \"{user}\": Kubernetes takes a numeric user id (securityContext.runAsUser): set it by hand, or USER in the image");
        }

        if (program.Process.Umask is { } umask)
        {
            export.Notes.Add($"umask = {Convert.ToString(umask, 8)}: Kubernetes has no umask setting (set it in the image's entrypoint)");
        }

        if (program.Process.Nice is { } nice)
        {
            export.Notes.Add($"nice = {nice.ToString(CultureInfo.InvariantCulture)}: Kubernetes has no nice setting");
        }

        if (!program.Process.Limits.IsEmpty)
        {
            export.Notes.Add($"rlimits ({string.Join(", ", program.Process.Limits.Keys)}): Kubernetes has no per-container rlimits (the node's runtime sets them)");
        }

        if (program.Log != LogPolicy.Default)
        {
            export.Notes.Add("log settings (files, rotation, timestamps): output goes to the container's log (kubectl logs)");
        }

        if (!program.Groups.IsDefaultOrEmpty)
        {
            export.Notes.Add($"groups = [{string.Join(", ", program.Groups)}]: add them as labels by hand");
        }
    }

    /// <summary>Whether a setting that differs between instances names the instance's id or index.</summary>
    private static bool UsesInstanceValues(ProgramSpec program) =>
        program.Argv.Concat(program.Environment.Values).Append(program.WorkingDirectory ?? string.Empty)
            .Any(text => text.Contains("{id}", StringComparison.Ordinal) || text.Contains("{index}", StringComparison.Ordinal));
}
