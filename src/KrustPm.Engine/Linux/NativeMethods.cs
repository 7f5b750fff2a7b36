using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>The few libc calls .NET has no API for (sending an arbitrary signal, checking execute permission).</summary>
internal static partial class NativeMethods
{
    /// <summary>errno: no such process or process group.</summary>
    public const int Esrch = 3;

    /// <summary>access(2) mode: execute permission.</summary>
    public const int ExecuteOk = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);
}
