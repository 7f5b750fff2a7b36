using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The controllers the limits of instances need (<c>memory</c>, <c>cpu</c>, <c>pids</c>): available in the tree's
/// parent, enabled for the tree's children. cgroup v2's rule that a cgroup with controllers enabled for its children
/// holds no process itself (the root excepted) decides the rest: the parent must hold no other process, the guardian
/// gets a leaf of its own beside the tree instead of going back to the parent, and at exit the controllers are
/// disabled again before krust-pm goes back where it came from.
/// </summary>
public sealed partial class CgroupTree
{
    private readonly List<string> _enabledInParent = [];
    private readonly List<string> _enabledInRoot = [];

    /// <summary>Where the guardian goes when the parent may no longer hold processes; <see langword="null"/> otherwise.</summary>
    internal string? GuardianLeaf { get; private set; }

    /// <summary>The tree's parent cgroup.</summary>
    public string Parent => Path.GetDirectoryName(Root)!;

    /// <summary>
    /// Enables <paramref name="controllers"/> for the instances' cgroups: checks that the parent offers them, enables
    /// them in the parent's <c>cgroup.subtree_control</c> (unless they are already) and in the tree's. Call before the
    /// guardian starts.
    /// </summary>
    /// <param name="controllers">Controller names, such as <c>memory</c>.</param>
    /// <param name="problem">Why they cannot be had, naming the controller and what to do.</param>
    /// <returns>Whether every controller is enabled.</returns>
    public bool TryEnableControllers(IReadOnlyCollection<string> controllers, [NotNullWhen(false)] out string? problem)
    {
        problem = null;
        if (controllers.Count == 0)
        {
            return true;
        }

        if (ControllerProblem(Parent, controllers) is { } missing)
        {
            problem = missing;
            return false;
        }

        var enabledAbove = Words(Path.Combine(Parent, "cgroup.subtree_control"));
        foreach (var controller in controllers.Where(c => !enabledAbove.Contains(c)))
        {
            if (CgroupFiles.Write(Path.Combine(Parent, "cgroup.subtree_control"), "+" + controller) is var error and not 0)
            {
                problem = $"cannot enable the {controller} controller for the cgroups under {Parent}: {Marshal.GetPInvokeErrorMessage(error)}"
                    + (error == Ebusy ? $" ({Parent} holds processes other than krust-pm, and a cgroup whose children have controllers holds none: give krust-pm a cgroup of its own, e.g. a systemd service with Delegate=yes, or cgroup = \"/path\")" : string.Empty);
                DisableControllers();
                return false;
            }

            _enabledInParent.Add(controller);
        }

        foreach (var controller in controllers)
        {
            if (CgroupFiles.Write(Path.Combine(Root, "cgroup.subtree_control"), "+" + controller) is var error and not 0)
            {
                problem = $"cannot enable the {controller} controller for the cgroups under {Root}: {Marshal.GetPInvokeErrorMessage(error)}";
                DisableControllers();
                return false;
            }

            _enabledInRoot.Add(controller);
        }

        // The parent now has controllers enabled for its children: no process may join it, the guardian included.
        if (Words(Path.Combine(Parent, "cgroup.subtree_control")).Count > 0 && GuardianLeaf is null)
        {
            var leaf = Root + ".guardian";
            if (CgroupFiles.MakeDirectory(leaf) is var error and not 0 and not CgroupFiles.Eexist)
            {
                problem = $"cannot make {leaf} for krust-pm's guardian: {Marshal.GetPInvokeErrorMessage(error)}";
                DisableControllers();
                return false;
            }

            GuardianLeaf = leaf;
        }

        return true;
    }

    /// <summary>
    /// Why <paramref name="controllers"/> cannot be had under <paramref name="parent"/> (a cgroup v2 directory): those
    /// it does not offer (<c>cgroup.controllers</c>), named, with what to do; <see langword="null"/> when it offers all.
    /// </summary>
    /// <param name="parent">The cgroup krust-pm's tree goes under.</param>
    /// <param name="controllers">Controller names, such as <c>memory</c>.</param>
    public static string? ControllerProblem(string parent, IEnumerable<string> controllers)
    {
        var offered = Words(Path.Combine(parent, "cgroup.controllers"));
        if (controllers.Where(c => !offered.Contains(c)).Distinct().ToList() is not [_, ..] missing)
        {
            return null;
        }

        var names = missing.Count == 1 ? $"the {missing[0]} controller" : $"the {string.Join(", ", missing[..^1])} and {missing[^1]} controllers";
        return $"{names} of cgroup v2 {(missing.Count == 1 ? "is" : "are")} not available in {parent} (it offers: {(offered.Count == 0 ? "none" : string.Join(", ", offered))}). "
            + "On a host that mounts them as cgroup v1 hierarchies (/sys/fs/cgroup/memory...), cgroup v2 cannot enforce them: boot with cgroup v2 only "
            + "(systemd.unified_cgroup_hierarchy=1). Under systemd, run krust-pm as a service with Delegate=yes; in a container, give it a cgroup namespace on a cgroup v2 host";
    }

    /// <summary>Disables the controllers this tree enabled, its own first (a parent's cannot go while a child uses them).</summary>
    private void DisableControllers()
    {
        foreach (var controller in _enabledInRoot)
        {
            _ = CgroupFiles.Write(Path.Combine(Root, "cgroup.subtree_control"), "-" + controller);
        }

        foreach (var controller in _enabledInParent)
        {
            _ = CgroupFiles.Write(Path.Combine(Parent, "cgroup.subtree_control"), "-" + controller);
        }

        _enabledInRoot.Clear();
        _enabledInParent.Clear();
    }

    /// <summary>Removes the guardian's leaf once the guardian has left it (it exits when krust-pm does), waiting a little.</summary>
    private void RemoveGuardianLeaf()
    {
        if (GuardianLeaf is not { } leaf || !Directory.Exists(leaf))
        {
            return;
        }

        if (CgroupFiles.IsPopulated(leaf) == true)
        {
            var empty = new ManualResetEventSlim(); // not disposed: the watcher may still set it after a timeout
            CgroupEmptyWatcher.Shared.WhenEmpty(leaf, empty.Set);
            _ = empty.Wait(GuardianExitTimeout);
        }

        _ = CgroupFiles.RemoveDirectory(leaf);
    }

    /// <summary>The words of a cgroup file such as <c>cgroup.controllers</c> (none when it cannot be read).</summary>
    private static List<string> Words(string path)
    {
        try
        {
            return [.. File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private const int Ebusy = 16;

    private static readonly TimeSpan GuardianExitTimeout = TimeSpan.FromSeconds(2);
}
