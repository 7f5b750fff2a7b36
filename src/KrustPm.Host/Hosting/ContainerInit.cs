using System.Runtime.InteropServices;

namespace KrustPm.Host.Hosting;

/// <summary>
/// krust-pm as PID 1 (a container's entrypoint, or <c>unshare --pid --fork</c>). The .NET runtime, when its pid is 1,
/// answers every SIGCHLD with <c>waitpid(-1, WNOHANG)</c> until nothing is left (dotnet/runtime, pal_signal.c:
/// <c>reapAll = g_pid == 1 || ...</c>, then ProcessWaitState.CheckChildren): it would reap the programs krust-pm
/// started itself before krust-pm's reaper can, which then finds no child (ECHILD) and could only report exit code
/// -1. So PID 1 stays a small init: it starts the same krust-pm, with the same arguments, as its only child (pid 2,
/// where the runtime reaps only its own <see cref="System.Diagnostics.Process"/> children), forwards the signals a
/// container runtime or a user sends (SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2), reaps every orphan the
/// kernel hands PID 1, and exits with krust-pm's exit code (128 + N if it was killed by signal N). Leaving PID 1 then
/// ends whatever is left in the pid namespace (the kernel sends it SIGKILL).
/// <para>
/// With <c>subreaper = true</c> and not PID 1, krust-pm runs the same way, the init being a child subreaper
/// (PR_SET_CHILD_SUBREAPER): the kernel hands it the orphans of the programs (the nearest subreaper ancestor gets
/// them), and it reaps them with the same loop. In-process reaping could steal exit statuses: a zombie seen there
/// may be a child that a spawn has just made and not yet registered, or one of the runtime's own
/// <see cref="System.Diagnostics.Process"/> children, whose table is not visible. The init's only child of its own is
/// krust-pm, so every other child it reaps is an orphan: nothing it reaps belongs to anyone else.
/// </para>
/// </summary>
/// <remarks>
/// Only one thread of this process reaps: SIGCHLD is set back to its default action (no handler, children still
/// become zombies) once the runtime's signal handling is set up, so the runtime never calls waitpid, and this
/// process starts no <see cref="System.Diagnostics.Process"/>. The one blocking <c>waitpid(-1)</c> loop therefore
/// sees every exit, krust-pm's own included, exactly once.
/// </remarks>
internal static unsafe partial class ContainerInit
{
    /// <summary>
    /// Set, to the init's pid, in the environment of the krust-pm the init starts, so that it does not start another
    /// and follows the init's death (see <see cref="AdoptParent"/>).
    /// </summary>
    public const string ChildVariable = "KRUST_PM_INIT_CHILD";

    private const int SigChld = 17;
    private const int SigTerm = 15;
    private const int PrSetPdeathsig = 1;
    private const int PrSetChildSubreaper = 36;
    private const int Eintr = 4;

    private static readonly int[] Forwarded = [1, 2, 3, 10, 12, 15]; // SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM

    private static int _child;
    private static int _pending;

    /// <summary>Whether this process is PID 1 of its pid namespace and not already the child of such an init.</summary>
    public static bool IsNeeded =>
        OperatingSystem.IsLinux() && Environment.ProcessId == 1 && Environment.GetEnvironmentVariable(ChildVariable) is null;

    /// <summary>Whether this krust-pm was started by an init (PID 1's, or a subreaper's); known after <see cref="AdoptParent"/>.</summary>
    public static bool IsChild { get; private set; }

    /// <summary>Whether this krust-pm was started by PID 1's init: it is a container's entrypoint (known after <see cref="AdoptParent"/>).</summary>
    public static bool IsContainerEntrypoint { get; private set; }

    /// <summary>
    /// In the krust-pm an init started: remembers that it is one, takes <see cref="ChildVariable"/> out of the
    /// environment (its programs must not inherit it: a krust-pm among them would take itself for a child), and
    /// asks for SIGTERM when the init dies (PR_SET_PDEATHSIG), so that krust-pm then stops its programs rather than
    /// run on without the init that reaps their orphans. Call it first thing, once SIGTERM is caught as a clean stop.
    /// </summary>
    public static void AdoptParent()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(ChildVariable) is not { } value)
        {
            return;
        }

        IsChild = true;
        Environment.SetEnvironmentVariable(ChildVariable, null);
        var known = int.TryParse(value, out var init);
        IsContainerEntrypoint = known && init == 1;
        if (known && Prctl(PrSetPdeathsig, SigTerm) == 0 && GetParentPid() != init)
        {
            _ = Kill(Environment.ProcessId, SigTerm); // the init died before the request took effect
        }
    }

    /// <summary>
    /// Runs the init: starts krust-pm, forwards signals, reaps, and returns krust-pm's exit code. As a child
    /// subreaper (<paramref name="subreaper"/>) when it is not PID 1.
    /// </summary>
    public static int Run(bool subreaper = false)
    {
        var role = subreaper ? "a child subreaper (subreaper = true)" : "PID 1";
        if (subreaper && Prctl(PrSetChildSubreaper, 1) != 0)
        {
            Console.Error.WriteLine($"krust-pm: cannot become a child subreaper (subreaper = true): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}; nothing was started.");
            return 1;
        }

        // Registering sets up the runtime's signal handling (and its SIGCHLD handler), which is then taken away.
        var registrations = Forwarded.Select(signal => PosixSignalRegistration.Create((PosixSignal)signal, Forward)).ToList();
        Signal(SigChld, 0);

        var child = Spawn(out var error);
        if (child <= 0)
        {
            Console.Error.WriteLine($"krust-pm: as {role}, could not start krust-pm under it: {Marshal.GetPInvokeErrorMessage(error)}");
            return 1;
        }

        Volatile.Write(ref _child, child);
        if (Interlocked.Exchange(ref _pending, 0) is var pending and > 0)
        {
            _ = Kill(child, pending); // a signal that came before krust-pm's pid was known
        }

        var code = ReapUntil(child);
        registrations.ForEach(registration => registration.Dispose());
        return code;
    }

    private static void Forward(PosixSignalContext context)
    {
        context.Cancel = true; // PID 1 ends when krust-pm does, never on the signal itself
        var signal = (int)context.Signal;
        if (Volatile.Read(ref _child) is var child and > 0)
        {
            _ = Kill(child, signal); // ESRCH: it is exiting already, and its exit ends this process
        }
        else
        {
            Volatile.Write(ref _pending, signal);
        }
    }

    /// <summary>Reaps every child (orphans included) until <paramref name="child"/> has exited; its exit code.</summary>
    private static int ReapUntil(int child)
    {
        var status = 0;
        while (true)
        {
            var pid = WaitPid(-1, &status, 0);
            if (pid == child)
            {
                var signal = status & 0x7f;
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
            }

            if (pid < 0 && Marshal.GetLastPInvokeError() != Eintr)
            {
                return 1; // ECHILD: cannot happen while krust-pm runs (it is this process's child)
            }
        }
    }

    /// <summary>Starts this executable again with the same arguments and environment, plus <see cref="ChildVariable"/>.</summary>
    private static int Spawn(out int error)
    {
        var argv = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}")
            .Where(variable => !variable.StartsWith($"{ChildVariable}=", StringComparison.Ordinal))
            .Append($"{ChildVariable}={Environment.ProcessId}")
            .ToArray();
        var strings = new List<nint>();
        try
        {
            var argvBlock = stackalloc nint[argv.Length + 1];
            var envBlock = new nint[environment.Length + 1];
            for (var i = 0; i < argv.Length; i++)
            {
                strings.Add(argvBlock[i] = Marshal.StringToCoTaskMemUTF8(argv[i]));
            }

            argvBlock[argv.Length] = 0;
            for (var i = 0; i < environment.Length; i++)
            {
                strings.Add(envBlock[i] = Marshal.StringToCoTaskMemUTF8(environment[i]));
            }

            var path = Marshal.StringToCoTaskMemUTF8(Environment.ProcessPath ?? "/proc/self/exe");
            strings.Add(path);
            var pid = 0;
            fixed (nint* envp = envBlock)
            {
                error = PosixSpawn(&pid, (byte*)path, 0, 0, argvBlock, envp);
            }

            return error == 0 ? pid : -1;
        }
        finally
        {
            strings.ForEach(Marshal.ZeroFreeCoTaskMemUTF8);
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static partial int PosixSpawn(int* pid, byte* path, nint fileActions, nint attributes, nint* argv, nint* envp);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint argument);

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();
}
