using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Starts a <see cref="LaunchPlan"/> with one posix_spawn(3): in a new session (so its own process group), with
/// every signal at its default disposition and none blocked (.NET leaves SIGPIPE ignored, and a plain child would
/// inherit that), stdin from /dev/null, stdout and stderr into fresh pipes or inherited, in the plan's working
/// directory. glibc runs the child on a vfork-like clone and reports a failure of the exec itself as the returned
/// error, so a bad executable is known before the child is reported started.
/// </summary>
internal static unsafe class ChildSpawner
{
    /// <summary>A started child: its pid and, when output is captured, the read ends of its stdout and stderr pipes (else -1).</summary>
    public readonly record struct Child(int Pid, int Stdout, int Stderr);

    /// <summary>Whether this libc has everything the spawn path needs (posix_spawn_file_actions_addchdir_np: glibc 2.29).</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>Starts the plan.</summary>
    /// <param name="plan">What to start.</param>
    /// <param name="captureOutput">Whether stdout and stderr go into fresh pipes (else they are inherited).</param>
    /// <param name="child">The started child.</param>
    /// <param name="announce">
    /// Called just before the spawn with the write ends of the stdout and stderr pipes the child will hold (only when
    /// output is captured): the guardian's way to find a child whose parent died before it learned its pid.
    /// </param>
    /// <param name="mergeStderr">
    /// With <paramref name="captureOutput"/>: stderr goes into the stdout pipe (one pipe for both, so the lines keep
    /// the order the program wrote them in); the child's <see cref="Child.Stderr"/> is then -1.
    /// </param>
    /// <returns>0, or the errno of what failed (a pipe, the working directory, the exec).</returns>
    public static int Spawn(LaunchPlan plan, bool captureOutput, out Child child, Action<int, int>? announce = null, bool mergeStderr = false)
    {
        child = new Child(-1, -1, -1);
        var stdout = stackalloc int[2] { -1, -1 };
        var stderr = stackalloc int[2] { -1, -1 };
        if (captureOutput && (NativeMethods.Pipe2(stdout, NativeMethods.CloseOnExec) != 0 || (!mergeStderr && NativeMethods.Pipe2(stderr, NativeMethods.CloseOnExec) != 0)))
        {
            var error = Marshal.GetLastPInvokeError();
            CloseAll(stdout, stderr);
            return error;
        }

        // ulong: the opaque libc structures hold longs and pointers and must be 8-byte aligned.
        var attributes = stackalloc ulong[NativeMethods.OpaqueSize / sizeof(ulong)];
        var actions = stackalloc ulong[NativeMethods.OpaqueSize / sizeof(ulong)];
        var pid = -1;
        var result = NativeMethods.SpawnAttributesInit(attributes);
        if (result == 0)
        {
            result = NativeMethods.FileActionsInit(actions);
            if (result == 0)
            {
                var stderrWrite = mergeStderr ? stdout[1] : stderr[1];
                result = Prepare(attributes, actions, plan.WorkingDirectory, captureOutput ? stdout[1] : -1, captureOutput ? stderrWrite : -1);
                if (result == 0)
                {
                    using var argv = new NativeStrings(plan.Argv);
                    using var envp = new NativeStrings(plan.EnvironmentBlock());
                    if (captureOutput)
                    {
                        announce?.Invoke(stdout[1], stderrWrite);
                    }

                    result = NativeMethods.PosixSpawn(&pid, argv.Pointer[0], actions, attributes, argv.Pointer, envp.Pointer);
                }

                _ = NativeMethods.FileActionsDestroy(actions);
            }

            _ = NativeMethods.SpawnAttributesDestroy(attributes);
        }

        // The child has its own copies of the write ends (or no child exists): ours would hold the pipes open.
        CloseFd(ref stdout[1]);
        CloseFd(ref stderr[1]);
        if (result != 0)
        {
            CloseAll(stdout, stderr);
            return result;
        }

        child = new Child(pid, stdout[0], stderr[0]);
        return 0;
    }

    private static int Prepare(void* attributes, void* actions, string workingDirectory, int stdoutWrite, int stderrWrite)
    {
        // Every signal, 1 to 64, back to its default: glibc's sigfillset leaves out its two internal signals (32 and
        // 33), and its posix_spawn then leaves them ignored in the child, and in every program it execs. A sigset_t
        // is an array of unsigned longs, signal N at bit N - 1, in glibc and musl alike. None blocked.
        const int words = NativeMethods.OpaqueSize / sizeof(ulong);
        var defaults = stackalloc ulong[words];
        var mask = stackalloc ulong[words];
        new Span<ulong>(defaults, words).Clear();
        new Span<ulong>(mask, words).Clear();
        defaults[0] = ulong.MaxValue;

        // Each returns the error itself (posix_spawn* do not set errno); the first failure stops the rest.
        var result = NativeMethods.SpawnAttributesSetFlags(attributes, NativeMethods.SpawnSetSid | NativeMethods.SpawnSetSignalDefaults | NativeMethods.SpawnSetSignalMask);
        result = result != 0 ? result : NativeMethods.SpawnAttributesSetSignalDefaults(attributes, defaults);
        result = result != 0 ? result : NativeMethods.SpawnAttributesSetSignalMask(attributes, mask);
        result = result != 0 ? result : NativeMethods.FileActionsAddOpen(actions, 0, "/dev/null", NativeMethods.ReadOnly, 0);
        result = result != 0 || stdoutWrite < 0 ? result : NativeMethods.FileActionsAddDup2(actions, stdoutWrite, 1);
        result = result != 0 || stderrWrite < 0 ? result : NativeMethods.FileActionsAddDup2(actions, stderrWrite, 2);
        result = result != 0 ? result : NativeMethods.FileActionsAddChdir(actions, workingDirectory);
        return result;
    }

    private static void CloseAll(int* stdout, int* stderr)
    {
        CloseFd(ref stdout[0]);
        CloseFd(ref stdout[1]);
        CloseFd(ref stderr[0]);
        CloseFd(ref stderr[1]);
    }

    private static void CloseFd(ref int fd)
    {
        if (fd >= 0)
        {
            NativeMethods.Close(fd);
            fd = -1;
        }
    }

    private static bool Probe()
    {
        var actions = stackalloc ulong[NativeMethods.OpaqueSize / sizeof(ulong)];
        if (NativeMethods.FileActionsInit(actions) != 0)
        {
            return false;
        }

        try
        {
            return NativeMethods.FileActionsAddChdir(actions, "/") == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            _ = NativeMethods.FileActionsDestroy(actions);
        }
    }
}
