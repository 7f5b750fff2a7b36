using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>posix_spawn(3) and its attributes and file actions (glibc, musl).</summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>posix_spawnattr flag: reset the signals in the sigdefault set to SIG_DFL.</summary>
    public const short SpawnSetSignalDefaults = 0x04;

    /// <summary>posix_spawnattr flag: set the child's signal mask.</summary>
    public const short SpawnSetSignalMask = 0x08;

    /// <summary>posix_spawnattr flag: the child calls setsid(2) (its own session and process group).</summary>
    public const short SpawnSetSid = 0x80;

    /// <summary>
    /// Bytes reserved for a posix_spawnattr_t, a posix_spawn_file_actions_t and a sigset_t. glibc's are 336, 80 and
    /// 128 bytes on both x86-64 and arm64 (musl's 336, 80 and 128 too): 1 KiB each leaves room for any libc.
    /// </summary>
    public const int OpaqueSize = 1024;

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttributesInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttributesDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttributesSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttributesSetSignalDefaults(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttributesSetSignalMask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddOpen(void* fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    /// <summary>glibc 2.29 and later, musl 1.1.24 and later.</summary>
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddChdir(void* fileActions, string path);
}
