using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>Looks up OS users (getpwnam_r, so NSS sources count) and krust-pm's own effective uid.</summary>
internal static unsafe partial class UserAccounts
{
    private const int ErrorRange = 34;

    /// <summary>An OS user as the password database gives it.</summary>
    public sealed record Account(string Name, uint Uid, uint Gid, string Home);

    /// <summary>krust-pm's effective user id.</summary>
    public static uint EffectiveUid => GetEffectiveUid();

    /// <summary>Finds a user by name; <see langword="null"/> when there is none.</summary>
    public static Account? Find(string name)
    {
        for (var size = 4096; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* start = buffer)
            {
                var entry = default(Passwd);
                var error = GetPasswordEntry(name, &entry, start, (nuint)size, out var result);
                if (error == ErrorRange)
                {
                    continue;
                }

                if (error != 0 || result == 0)
                {
                    return null;
                }

                return new Account(
                    Marshal.PtrToStringUTF8(entry.Name) ?? name,
                    entry.Uid,
                    entry.Gid,
                    Marshal.PtrToStringUTF8(entry.Directory) ?? "/");
            }
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPasswordEntry(string name, Passwd* entry, byte* buffer, nuint size, out nint result);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUid();

    /// <summary>glibc's <c>struct passwd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint Uid;
        public uint Gid;
        public nint Gecos;
        public nint Directory;
        public nint Shell;
    }
}
