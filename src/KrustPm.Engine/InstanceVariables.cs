using System.Globalization;

namespace KrustPm.Engine;

/// <summary>
/// What one instance of a program runs: the program's settings with its placeholders (<see cref="Placeholders"/>)
/// expanded for the instance, and the instance variables every instance gets in its environment.
/// </summary>
public static class InstanceVariables
{
    /// <summary>The program's name.</summary>
    public const string ProgramVariable = "KRUST_PM_PROGRAM";

    /// <summary>The instance's id.</summary>
    public const string InstanceVariable = "KRUST_PM_INSTANCE";

    /// <summary>The instance's index (<see cref="InstanceState.Index"/>).</summary>
    public const string IndexVariable = "KRUST_PM_INDEX";

    /// <summary>The instance's port, with <see cref="ProgramSpec.PortBase"/>, unless the program's environment sets it (foreman's convention).</summary>
    public const string PortVariable = "PORT";

    /// <summary>
    /// The program as one instance runs it: placeholders expanded in argv, environment values, working directory and
    /// log paths; <c>KRUST_PM_PROGRAM</c>, <c>KRUST_PM_INSTANCE</c> and <c>KRUST_PM_INDEX</c> set (over any the
    /// environment sets: they are krust-pm's); with a port base, <c>PORT</c> set unless the environment sets it.
    /// <see cref="ProgramSpec.Command"/> stays as configured (it is what the user wrote).
    /// </summary>
    /// <param name="spec">The program.</param>
    /// <param name="instanceId">The instance's id.</param>
    /// <param name="index">The instance's index.</param>
    public static ProgramSpec For(ProgramSpec spec, long instanceId, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var values = PlaceholderValues.Of(spec, instanceId, index);
        var environment = spec.Environment.ToBuilder();
        foreach (var (name, value) in spec.Environment)
        {
            if (Placeholders.HasAny(value))
            {
                environment[name] = Placeholders.Expand(value, values);
            }
        }

        if (values.Port is { } port && !spec.Environment.ContainsKey(PortVariable))
        {
            environment[PortVariable] = port.ToString(CultureInfo.InvariantCulture);
        }

        environment[ProgramVariable] = spec.Name;
        environment[InstanceVariable] = instanceId.ToString(CultureInfo.InvariantCulture);
        environment[IndexVariable] = index.ToString(CultureInfo.InvariantCulture);

        return spec with
        {
            Argv = spec.Argv.Any(Placeholders.HasAny) ? [.. spec.Argv.Select(a => Placeholders.Expand(a, values))] : spec.Argv,
            Environment = environment.ToImmutable(),
            WorkingDirectory = spec.WorkingDirectory is { } folder ? Placeholders.Expand(folder, values) : null,
            Log = spec.Log with
            {
                StdoutPath = spec.Log.StdoutPath is { } stdout ? Placeholders.Expand(stdout, values) : null,
                StderrPath = spec.Log.StderrPath is { } stderr ? Placeholders.Expand(stderr, values) : null,
            },
        };
    }

    /// <summary>
    /// A probe as one instance runs it: placeholders expanded in an exec probe's argv, an http probe's URL and a tcp
    /// probe's address, so <c>{port}</c> checks each instance's own port.
    /// </summary>
    /// <param name="probe">The program's probe.</param>
    /// <param name="spec">The program.</param>
    /// <param name="instanceId">The instance's id.</param>
    /// <param name="index">The instance's index.</param>
    public static Health.ProbeSpec ProbeFor(Health.ProbeSpec probe, ProgramSpec spec, long instanceId, int index)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(spec);
        var exec = !probe.Exec.IsDefaultOrEmpty && probe.Exec.Any(Placeholders.HasAny);
        var http = probe.Http is { } url && Placeholders.HasAny(url) ? url : null;
        var tcp = probe.Tcp is { } address && Placeholders.HasAny(address) ? address : null;
        if (!exec && http is null && tcp is null)
        {
            return probe;
        }

        var values = PlaceholderValues.Of(spec, instanceId, index);
        return probe with
        {
            Exec = exec ? [.. probe.Exec.Select(a => Placeholders.Expand(a, values))] : probe.Exec,
            Http = http is null ? probe.Http : Placeholders.Expand(http, values),
            Tcp = tcp is null ? probe.Tcp : Placeholders.Expand(tcp, values),
        };
    }
}
