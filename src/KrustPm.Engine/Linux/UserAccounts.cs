using System.Runtime.InteropServices;

namespace KrustPm.Engine.Linux;

/// <summary>
/// Looks up OS users and their groups (getpwnam_r and getgrouplist, so NSS sources count), krust-pm's own effective
/// uid and whether it may switch users.
/// </summary>
internal static unsafe partial class UserAccounts
{
    private const int ErrorRange = 34;
    private const ulong SwitchUserCapabilities = (1UL << 6) | (1UL << 7); // CAP_SETGID, CAP_SETUID

    /// <summary>An OS user as the password database gives it.</summary>
    public sealed record Account(string Name, uint Uid, uint Gid, string Home);

    /// <summary>krust-pm's effective user id.</summary>
    public static uint EffectiveUid => GetEffectiveUid();

    /// <summary>Whether krust-pm holds CAP_SETUID and CAP_SETGID (root normally does; root in a restricted container may not).</summary>
    public static bool CanSwitchUsers => (EffectiveCapabilities() & SwitchUserCapabilities) == SwitchUserCapabilities;

    /// <summary>The user's supplementary groups (its primary group included), as initgroups(3) would set them.</summary>
    public static uint[]? Groups(Account account)
    {
        var count = 64;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var groups = new uint[count];
            fixed (uint* start = groups)
            {
                var found = count;
                if (GetGroupList(account.Name, account.Gid, start, ref found) >= 0)
                {
                    return groups[..found];
                }

                count = Math.Max(found, count * 2);
            }
        }

        return null;
    }

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

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGroupList(string user, uint group, uint* groups, ref int count);

    /// <summary>CapEff from /proc/self/status (none when it cannot be read).</summary>
    internal static ulong EffectiveCapabilities()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

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
