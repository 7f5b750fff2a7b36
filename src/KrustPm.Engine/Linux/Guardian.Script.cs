using System.Diagnostics;
using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Linux;

/// <summary>The guardian process itself: its script, and how it is started.</summary>
internal sealed partial class Guardian
{
    // awk reads the pipe in blocks (sh's `read` would take a system call per byte) and keeps the state; at end of
    // file it prints the groups left (line 1) and the pipes of a spawn in flight (line 2). sh kills with its builtin
    // kill, which goes on past a process already gone. Processes holding the pipes are found in /proc (stdout and
    // stderr of each; the child has exec'd by then: until it does, it holds a copy of krust-pm's end of this pipe).
    // Never group or process 0 or 1, whatever the pipe said. $3 is krust-pm's cgroup tree (or empty): its cgroup.kill
    // ends everything krust-pm started at once, unless krust-pm said it exits cleanly (`=`); once the tree is empty
    // (`populated 0`, at most 5 s) its cgroups are removed, deepest first (a tree that stays is removed by the next
    // krust-pm with the same configuration).
    // $4 is where the guardian lives, out of the tree: the shell moves itself there first, so that the processes of
    // its pipeline are born there too (moved later from krust-pm, they could be forked inside the tree and be killed
    // by the guardian's own cgroup.kill before it removed the tree).
    private const string Script = """
        exec >/dev/null 2>&1
        [ -z "$4" ] || echo 0 > "$4/cgroup.procs"
        "$1" '
          /^\?pipe:\[[0-9]+\] pipe:\[[0-9]+\]$/ { pending = substr($0, 2); next }
          /^!$/ { pending = ""; next }
          /^\+[0-9]+$/ { live[substr($0, 2)]++; pending = ""; next }
          /^-[0-9]+$/ { group = substr($0, 2); if (--live[group] <= 0) delete live[group] }
          /^=$/ { clean = 1 }
          END {
            for (group in live) if (group + 0 > 1) printf " -%s", group
            printf "\n%s\n%d\n", pending, clean
          }' | {
          read -r groups
          read -r pipes
          read -r clean
          if [ -n "$3" ] && [ "$clean" != 1 ]; then
            echo 1 > "$3/cgroup.kill"
            i=0
            until "$1" '/^populated 0$/ { empty = 1 } END { exit !empty }' "$3/cgroup.events" || [ $i -ge 100 ]; do
              sleep 0.05
              i=$((i + 1))
            done
            find "$3" -mindepth 1 -depth -type d -exec rmdir {} + ; rmdir "$3"
          fi
          [ -z "$groups" ] || kill -s KILL -- $groups
          if [ -n "$pipes" ]; then
            found=$(LC_ALL=C QUOTING_STYLE=literal "$2" -l /proc/[0-9]*/fd/1 /proc/[0-9]*/fd/2 | "$1" -v pipes=" $pipes " '
              index(pipes, " " $NF " ") { split($(NF - 2), path, "/"); if (path[3] + 0 > 1) printf " %s -%s", path[3], path[3] }')
            [ -z "$found" ] || kill -s KILL -- $found
          fi
        }
        """;

    private static readonly string[] AwkPaths = ["/usr/bin/awk", "/bin/awk"];
    private static readonly string[] LsPaths = ["/bin/ls", "/usr/bin/ls"];

    private static string Find(string[] paths) =>
        paths.FirstOrDefault(File.Exists)
        ?? throw new PlatformNotSupportedException($"krust-pm needs {paths[0]} for the guardian that cleans up after it.");

    private static (Process Process, SafePipeHandle Pipe) Start(string awk, string ls, CgroupTree? cgroups)
    {
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            ArgumentList = { "/bin/sh", "-c", Script, "krust-pm-guardian", awk, ls, cgroups?.Root ?? string.Empty, cgroups?.GuardianHome ?? string.Empty },
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("The guardian process did not start.");

        // The guardian moves itself out of krust-pm's tree ($4) before anything else. Should krust-pm die before that
        // move, the guardian's cgroup.kill ends it too, after everything else in the tree: still nothing is left.

        // Written with write(2) directly: one system call per line, from any thread, never buffered.
        return (process, ((PipeStream)process.StandardInput.BaseStream).SafePipeHandle);
    }
}
