using KrustPm.Engine.Linux;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// How krust-pm holds its programs' processes (<c>cgroup</c>): in a cgroup v2 tree of its own (each instance in a
/// cgroup, nothing escapes a stop or outlives krust-pm), or in process groups only. Opened before the host is built
/// (krust-pm moves itself into its tree's leaf), disposed after it (the tree is removed).
/// </summary>
internal sealed class Containment : IDisposable
{
    private Containment(CgroupTree? tree, string description)
    {
        Tree = tree;
        Description = description;
    }

    /// <summary>krust-pm's cgroup tree, or <see langword="null"/> for process groups only.</summary>
    public CgroupTree? Tree { get; }

    /// <summary>Which containment is in use, for <c>/healthz</c> and the log: <c>cgroup v2 (PATH)</c> or <c>process groups</c>.</summary>
    public string Description { get; }

    /// <summary>Process groups only (<c>cgroup = "off"</c>, and the in-memory hosts of tests).</summary>
    public static Containment ProcessGroups { get; } = new(null, "process groups");

    /// <summary>
    /// Opens the containment the configuration asks for. <c>"auto"</c> falls back to process groups, with a warning
    /// on <paramref name="error"/>, when no cgroup v2 can be used; a path that cannot be used is an error.
    /// </summary>
    /// <returns>The containment, or <see langword="null"/> when krust-pm must not start (written on <paramref name="error"/>).</returns>
    public static Containment? Open(KrustConfig config, TextWriter error)
    {
        if (config.Cgroup == KrustConfig.CgroupOff)
        {
            return ProcessGroups;
        }

        var parent = config.Cgroup == KrustConfig.CgroupAuto ? null : config.Cgroup;
        var controllers = config.Programs.SelectMany(p => p.Process.Controllers).Distinct().Order(StringComparer.Ordinal).ToList();
        if (CgroupTree.TryOpen(parent, CgroupTree.NameFor(config.Path), moveSelf: true, out var tree, out var problem))
        {
            if (tree.LeftoverProcesses >= 0)
            {
                error.WriteLine($"krust-pm: removed the cgroup tree {tree.Root} left by a krust-pm that was killed ({tree.LeftoverProcesses} process(es) still in it were killed)");
            }

            if (!tree.TryEnableControllers(controllers, out var controllerProblem))
            {
                tree.Dispose();
                error.WriteLine($"krust-pm: the limits (memory_max, cpu_max, pids_max) in {config.Path} cannot be enforced: {controllerProblem}; nothing was started.");
                return null;
            }

            return new Containment(tree, $"cgroup v2 ({tree.Root})" + (controllers.Count > 0 ? $", controllers {string.Join(", ", controllers)}" : string.Empty));
        }

        if (parent is null && controllers.Count > 0)
        {
            error.WriteLine($"krust-pm: cgroup = \"auto\" in {config.Path}: {problem}; the limits (memory_max, cpu_max, pids_max) need it: nothing was started.");
            return null;
        }

        if (parent is null)
        {
            if (config.CgroupWritten)
            {
                error.WriteLine($"krust-pm: cgroup = \"auto\" in {config.Path}: {problem}; programs are held in process groups only");
            }

            return new Containment(null, $"process groups (cgroup v2 not usable: {problem})");
        }

        error.WriteLine($"krust-pm: cgroup = \"{parent}\" in {config.Path}: {problem}; nothing was started.");
        return null;
    }

    /// <summary>
    /// For <c>krust-pm version</c>, which reads no configuration: what <c>cgroup = "auto"</c> would use on this
    /// machine, in this process's cgroup.
    /// </summary>
    public static string DescribeAuto() => CgroupTree.Probe(null, out var problem) is { } parent
        ? $"cgroup v2 available under {parent} (cgroup = \"auto\", the default; \"off\" uses process groups)"
        : $"process groups (cgroup v2 not usable: {problem})";

    /// <summary>At a clean exit, after the host: the tree is removed.</summary>
    public void Dispose() => Tree?.Dispose();
}
