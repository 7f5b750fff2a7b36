using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace KrustPm.Engine.Linux;

/// <summary>
/// krust-pm's own cgroup (v2): <c>PARENT/krust-pm.KEY</c>, with a leaf <c>krust-pm</c> that holds krust-pm itself
/// (a cgroup with child cgroups may not hold processes once controllers are enabled) and one cgroup per instance
/// (<c>PROGRAM.ID</c>, see the <see cref="LinuxProcessLauncher"/>). <c>cgroup.kill</c> of the tree ends everything
/// krust-pm started at once, however it forked or detached: krust-pm's guardian writes it when krust-pm dies. A tree
/// left by a krust-pm that was killed is killed and removed when the next one with the same key opens it; a clean
/// exit (<see cref="Dispose"/>) removes it.
/// </summary>
public sealed partial class CgroupTree : IDisposable
{
    /// <summary>The leaf that holds krust-pm itself (no dot: never an instance's name).</summary>
    internal const string SupervisorLeaf = "krust-pm";

    private static readonly TimeSpan EmptyTimeout = TimeSpan.FromSeconds(10);

    private readonly bool _holdsSelf;
    private bool _disposed;

    private CgroupTree(string root, string? origin, bool holdsSelf, int leftoverKilled)
    {
        Root = root;
        Origin = origin;
        _holdsSelf = holdsSelf;
        LeftoverProcesses = leftoverKilled;
    }

    /// <summary>The directory of krust-pm's own cgroup.</summary>
    public string Root { get; }

    /// <summary>
    /// When opening found the tree of an earlier krust-pm with the same key (killed before it could remove it): how
    /// many processes were still in it and were killed (-1 when there was no such tree).
    /// </summary>
    public int LeftoverProcesses { get; }

    /// <summary>
    /// Whether this process lives in the tree's leaf (krust-pm moves itself in; a test's tree need not): then every
    /// process it starts is born inside the tree, which the guardian kills whole if krust-pm dies.
    /// </summary>
    internal bool HoldsSelf => _holdsSelf;

    /// <summary>Where the guardian lives, out of the tree: its own leaf beside the tree, or where krust-pm came from.</summary>
    internal string? GuardianHome => GuardianLeaf ?? Origin;

    /// <summary>The cgroup krust-pm was in when it opened the tree (where it goes back at exit), if known.</summary>
    internal string? Origin { get; }

    /// <summary>
    /// The name of krust-pm's cgroup for an identity (krust-pm uses its configuration file's path): <c>krust-pm.</c>
    /// and 12 hexadecimal digits of its SHA-256, so that each configuration has its own tree, found again after a crash.
    /// </summary>
    public static string NameFor(string identity) =>
        "krust-pm." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];

    /// <summary>
    /// Opens krust-pm's cgroup named <paramref name="name"/> under <paramref name="parent"/>, or under the cgroup this
    /// process is in when <paramref name="parent"/> is <see langword="null"/> (<c>cgroup = "auto"</c>). A tree left
    /// there by a krust-pm that died is killed and removed first.
    /// </summary>
    /// <param name="parent">A cgroup v2 directory krust-pm may write to, or <see langword="null"/>.</param>
    /// <param name="name">The tree's name (<see cref="NameFor"/>).</param>
    /// <param name="moveSelf">Move this process into the tree's leaf (krust-pm does; a test need not).</param>
    /// <param name="tree">The open tree.</param>
    /// <param name="problem">Why no tree could be opened, as a sentence part.</param>
    public static bool TryOpen(string? parent, string name, bool moveSelf, [NotNullWhen(true)] out CgroupTree? tree, [NotNullWhen(false)] out string? problem)
    {
        tree = null;
        if (Probe(parent, out var unusable) is not { } usable)
        {
            problem = unusable ?? "no cgroup v2";
            return false;
        }

        var origin = OwnCgroup(out _);
        parent = usable;
        var root = Path.Combine(parent, name);
        if (origin is not null && (origin == root || origin.StartsWith(root + "/", StringComparison.Ordinal)))
        {
            problem = $"krust-pm itself runs inside {root}, the cgroup of a krust-pm with this configuration";
            return false;
        }

        var leftover = -1;
        if (Directory.Exists(root) && !TryClearLeftover(root, out leftover, out problem))
        {
            return false;
        }

        _ = CgroupFiles.RemoveDirectory(root + ".guardian"); // left by a krust-pm that was killed (empty: its guardian is gone)

        var error = CgroupFiles.MakeDirectory(root);
        if (error == 0 && !File.Exists(Path.Combine(root, "cgroup.kill")))
        {
            _ = CgroupFiles.RemoveDirectory(root);
            problem = $"{root} has no cgroup.kill (Linux 5.14 or later is needed)";
            return false;
        }

        var leaf = Path.Combine(root, SupervisorLeaf);
        error = error != 0 ? error : CgroupFiles.MakeDirectory(leaf);
        error = error != 0 || !moveSelf ? error : CgroupFiles.Write(Path.Combine(leaf, "cgroup.procs"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (error != 0)
        {
            _ = CgroupFiles.RemoveDirectory(leaf);
            _ = CgroupFiles.RemoveDirectory(root);
            problem = $"cannot make {leaf} and move krust-pm into it: {Marshal.GetPInvokeErrorMessage(error)}";
            return false;
        }

        tree = new CgroupTree(root, origin, moveSelf, leftover);
        problem = null;
        return true;
    }

    /// <summary>
    /// Where krust-pm's tree would go: <paramref name="parent"/>, or the cgroup this process is in when that is
    /// <see langword="null"/>, if it is a directory of a mounted cgroup v2 file system that this process may write to.
    /// </summary>
    /// <param name="parent">A cgroup v2 directory, or <see langword="null"/> for the cgroup this process is in.</param>
    /// <param name="problem">Why it is not usable, as a sentence part.</param>
    /// <returns>The directory, or <see langword="null"/> with the <paramref name="problem"/>.</returns>
    public static string? Probe(string? parent, out string? problem)
    {
        problem = null;
        parent ??= OwnCgroup(out problem);
        if (parent is null)
        {
            return null;
        }

        if (!Path.IsPathFullyQualified(parent) || !Directory.Exists(parent) || !IsInCgroup2(parent))
        {
            problem = $"{parent} is not a directory of a mounted cgroup v2 file system";
            return null;
        }

        if (NativeMethods.Access(parent, WriteOk) != 0)
        {
            problem = $"krust-pm may not make cgroups in {parent} ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}; under systemd, run it with Delegate=yes)";
            return null;
        }

        problem = null;
        return parent;
    }

    /// <summary>The cgroup directory of an instance (it exists while the instance has a run).</summary>
    /// <param name="program">The program.</param>
    /// <param name="instanceId">The instance id.</param>
    public string InstancePath(string program, long instanceId) => System.IO.Path.Combine(Root, InstanceCgroup.NameOf(program, instanceId));

    /// <summary>
    /// At a clean exit: krust-pm goes back to the cgroup it came from, whatever is still in the tree is killed
    /// (normally nothing: every instance has been stopped), and the tree is removed.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisableControllers(); // so that krust-pm may go back into its parent, which then has none enabled
        if (_holdsSelf && (Origin is null || CgroupFiles.Write(Path.Combine(Origin, "cgroup.procs"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) != 0))
        {
            return; // krust-pm could not leave its leaf: killing the tree would kill krust-pm; the next start removes it
        }

        _ = KillAndRemove(Root);
        RemoveGuardianLeaf();
    }

    /// <summary>An earlier krust-pm's tree: refused while that krust-pm lives (its leaf holds it), else killed and removed.</summary>
    private static bool TryClearLeftover(string root, out int killed, [NotNullWhen(false)] out string? problem)
    {
        killed = 0;
        if (CgroupFiles.Processes(Path.Combine(root, SupervisorLeaf)) is [var owner, ..])
        {
            problem = $"{root} belongs to a krust-pm that is running (pid {owner}) with the same configuration";
            return false;
        }

        killed = CountProcesses(root);
        if (!KillAndRemove(root))
        {
            problem = $"cannot remove {root}, left by a krust-pm that was killed: its processes did not end within {EmptyTimeout.TotalSeconds:0} s";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Kills everything in a tree, waits (bounded) until it is empty, and removes its cgroups, deepest first.</summary>
    /// <returns>Whether the tree is gone.</returns>
    private static bool KillAndRemove(string root)
    {
        if (!Directory.Exists(root))
        {
            return true;
        }

        if (CgroupFiles.IsPopulated(root) == true)
        {
            _ = CgroupFiles.Write(Path.Combine(root, "cgroup.kill"), "1");
            var empty = new ManualResetEventSlim(); // not disposed: the watcher may still set it after a timeout
            CgroupEmptyWatcher.Shared.WhenEmpty(root, empty.Set);
            if (!empty.Wait(EmptyTimeout))
            {
                return false;
            }
        }

        foreach (var cgroup in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(path => path.Length))
        {
            _ = CgroupFiles.RemoveDirectory(cgroup);
        }

        return CgroupFiles.RemoveDirectory(root) == 0;
    }

    private static int CountProcesses(string root) =>
        CgroupFiles.Processes(root).Count
        + Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Sum(cgroup => CgroupFiles.Processes(cgroup).Count);

    private const int WriteOk = 2;
}
