using System.Globalization;
using System.Text;

namespace KrustPm.Engine.Linux;

/// <summary>
/// The cgroup of one instance, <c>ROOT/PROGRAM.ID</c> under krust-pm's <see cref="CgroupTree"/>: its run's main
/// process moves itself in before it execs the program (see <see cref="LaunchPlan"/>), so everything the program
/// starts is born in it, however it forks, double-forks or leaves its session. Made before each run and removed once
/// the run is over and the cgroup empty.
/// </summary>
internal sealed class InstanceCgroup
{
    private InstanceCgroup(string path) => Path = path;

    /// <summary>The instance cgroup at a directory that exists (tests give a plain folder).</summary>
    internal static InstanceCgroup At(string path) => new(path);

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>
    /// The cgroup's name for an instance: the program's name, with every byte other than ASCII letters, digits,
    /// <c>-</c>, <c>_</c> and (not first) <c>.</c> written as <c>\xNN</c> (as systemd escapes unit names), then
    /// <c>.ID</c>. The instance id, a number, comes last, so two instances never share a name.
    /// </summary>
    public static string NameOf(string program, long instanceId)
    {
        var name = new StringBuilder();
        var bytes = Encoding.UTF8.GetBytes(program);
        for (var i = 0; i < bytes.Length; i++)
        {
            var c = (char)bytes[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && i > 0))
            {
                name.Append(c);
            }
            else
            {
                name.Append(CultureInfo.InvariantCulture, $"\\x{bytes[i]:x2}");
            }
        }

        return name.Append(CultureInfo.InvariantCulture, $".{instanceId}").ToString();
    }

    /// <summary>The file a process writes <c>0</c> to in order to move itself into the cgroup.</summary>
    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>Makes the instance's cgroup (or takes the one its previous run left), before its run is spawned.</summary>
    /// <returns>0, or the errno of what failed.</returns>
    public static int Make(CgroupTree tree, string program, long instanceId, out InstanceCgroup cgroup)
    {
        cgroup = new InstanceCgroup(System.IO.Path.Combine(tree.Root, NameOf(program, instanceId)));
        return CgroupFiles.MakeDirectory(cgroup.Path);
    }

    /// <summary>
    /// Sets the limits of <paramref name="settings"/> on the cgroup, before its run is spawned: <c>memory.max</c>,
    /// <c>cpu.max</c> (a quota per 100 ms period), <c>pids.max</c>.
    /// </summary>
    /// <returns><see langword="null"/>, or why a limit could not be set, naming its file and controller.</returns>
    public string? ApplyLimits(ProcessSettings settings)
    {
        foreach (var (key, controller, file, value) in settings.CgroupLimits)
        {
            var error = CgroupFiles.Write(System.IO.Path.Combine(Path, file), value);
            if (error != 0)
            {
                var hint = error == Enoent
                    ? $": the {controller} controller is not enabled for krust-pm's cgroups (krust-pm enables the controllers its programs' limits need when it starts: restart it to apply a {key} added by a reload)"
                    : $": {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(error)}";
                return $"krust-pm cannot set {key} ({file} = {value}) in {Path}{hint}";
            }
        }

        return null;
    }

    /// <summary>
    /// Why the run ended, when the kernel's OOM killer killed a process of it at its memory limit
    /// (<c>oom_kill</c> in <c>memory.events</c>); read once its main process has been reaped, before the cgroup goes.
    /// </summary>
    /// <returns>The cause, e.g. <c>killed by the kernel: out of memory, memory_max 256 MiB</c>; else <see langword="null"/>.</returns>
    public string? OutOfMemoryCause(ProcessSettings settings)
    {
        if (settings.MemoryMax is not { } limit)
        {
            return null;
        }

        try
        {
            foreach (var line in File.ReadLines(System.IO.Path.Combine(Path, "memory.events")))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("oom_kill ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var kills)
                    && kills > 0)
                {
                    return $"killed by the kernel: out of memory, memory_max {Decider.Mebibytes(limit)}";
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // No memory controller file, or the cgroup is gone: nothing to tell.
        }

        return null;
    }

    private const int Enoent = 2;

    /// <summary>SIGKILLs every process in the cgroup at once (<c>cgroup.kill</c>), detached daemons included.</summary>
    public void Kill() => _ = CgroupFiles.Write(System.IO.Path.Combine(Path, "cgroup.kill"), "1");

    /// <summary>
    /// Ends what is left of a run whose main process has been reaped: kills whatever is still in the cgroup, and
    /// once it is empty, removes it and calls <paramref name="over"/> (at once when nothing was left, which is the
    /// usual case).
    /// </summary>
    public void End(Action over)
    {
        if (CgroupFiles.IsPopulated(Path) == true)
        {
            Kill();
        }

        CgroupEmptyWatcher.Shared.WhenEmpty(Path, () =>
        {
            // Fails only if something was moved in meanwhile; the tree's removal at exit takes it then.
            _ = CgroupFiles.RemoveDirectory(Path);
            over();
        });
    }
}
