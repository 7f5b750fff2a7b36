using System.Globalization;
using KrustPm.Engine;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;

namespace KrustPm.Host.Export;

/// <summary>The [Service] settings of how a program runs: command, folder, user, environment, process settings, logs.</summary>
internal static partial class SystemdExporter
{
    /// <summary>krust-pm's resource limit names (prlimit's) and systemd's settings for them.</summary>
    private static readonly Dictionary<string, string> LimitSettings = new(StringComparer.Ordinal)
    {
        ["as"] = "LimitAS", ["core"] = "LimitCORE", ["cpu"] = "LimitCPU", ["data"] = "LimitDATA", ["fsize"] = "LimitFSIZE",
        ["locks"] = "LimitLOCKS", ["memlock"] = "LimitMEMLOCK", ["msgqueue"] = "LimitMSGQUEUE", ["nice"] = "LimitNICE",
        ["nofile"] = "LimitNOFILE", ["nproc"] = "LimitNPROC", ["rss"] = "LimitRSS", ["rtprio"] = "LimitRTPRIO",
        ["rttime"] = "LimitRTTIME", ["sigpending"] = "LimitSIGPENDING", ["stack"] = "LimitSTACK",
    };

    private static void Execution(KrustConfig config, ProgramSpec program, List<string> service, List<string> notes)
    {
        var argv = program.Argv.ToList();
        if (ExportNames.Resolve(argv[0]) is { } path)
        {
            argv[0] = path;
        }
        else
        {
            service.Add($"# {argv[0]} was not found in PATH where this was exported: /usr/bin/env looks it up when the unit starts.");
            argv.Insert(0, "/usr/bin/env");
        }

        service.Add($"ExecStart={SystemdSyntax.CommandLine(argv)}");
        service.Add($"WorkingDirectory={SystemdSyntax.Value(program.WorkingDirectory ?? Path.GetDirectoryName(config.Path) ?? "/")}");
        if (program.User is { } user)
        {
            service.Add($"User={SystemdSyntax.Value(user)}");
        }

        foreach (var (name, value) in program.Environment)
        {
            service.Add($"Environment={SystemdSyntax.Assignment(name, value)}");
        }

        service.Add("Environment=\"KRUST_PM_INSTANCE=%i\"");
        if (program.PortBase is { } portBase)
        {
            notes.Add($"port_base = {portBase}: systemd cannot compute PORT = {portBase} + %i; set PORT per instance with a drop-in (systemctl edit {{unit}}@N)");
        }

        if (program.Process.Umask is { } umask)
        {
            service.Add($"UMask={Convert.ToString(umask, 8).PadLeft(4, '0')}");
        }

        if (program.Process.Nice is { } nice)
        {
            service.Add($"Nice={nice}");
        }

        foreach (var (name, limit) in program.Process.Limits)
        {
            if (LimitSettings.TryGetValue(name, out var setting))
            {
                service.Add($"{setting}={Limit(limit.Soft)}:{Limit(limit.Hard)}");
            }
            else
            {
                notes.Add($"rlimit {name}: systemd has no Limit setting for it");
            }
        }

        service.Add("StandardOutput=journal");
        service.Add("StandardError=journal");
        service.Add($"SyslogIdentifier={program.Name}.%i");
        if (program.Log != LogPolicy.Default)
        {
            notes.Add("log settings (files, rotation, timestamps): output goes to the journal (journalctl -t NAME.ID)");
        }
    }

    private static string Limit(ulong value) =>
        value == ResourceLimit.Unlimited ? "infinity" : value.ToString(CultureInfo.InvariantCulture);

    private static void Readiness(ProgramSpec program, List<string> service, List<string> notes)
    {
        if (program.Readiness is { } probe)
        {
            // The unit counts as started only once this passes, so units ordered After= it wait for readiness.
            var wait = $"{(probe.InitialDelay > TimeSpan.Zero ? $"sleep {probe.InitialDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture)}; " : string.Empty)}until {ProbeCommands.Shell(probe)}; do sleep {probe.Period.TotalSeconds.ToString(CultureInfo.InvariantCulture)}; done";
            service.Add($"# Readiness ({probe.Describe()}): the start completes once it passes; it needs {ProbeCommands.Needs(probe)}.");
            service.Add($"ExecStartPost=/bin/sh -c {SystemdSyntax.Argument(wait)}");
        }

        if (program.ReadyLogLine is { } line)
        {
            notes.Add($"ready_log_line = \"{line}\": systemd cannot watch output for a line (a program that calls sd_notify can use Type=notify)");
        }

        if (program.Liveness is { } liveness)
        {
            notes.Add($"liveness ({liveness.Describe()}): systemd has no probe; WatchdogSec= needs the program to call sd_notify");
        }
    }

    private static void Unmapped(ProgramSpec program, List<string> notes)
    {
        if (!program.Groups.IsDefaultOrEmpty)
        {
            notes.Add($"groups = [{string.Join(", ", program.Groups)}]: address them with a glob instead (systemctl restart 'APP-NAME@*')");
        }

        if (program.MaxInstances != ProgramSpec.DefaultMaxInstances)
        {
            notes.Add($"max_instances = {program.MaxInstances}: systemd does not limit how many instances are started");
        }
    }
}
