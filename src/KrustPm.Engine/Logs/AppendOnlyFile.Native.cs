using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace KrustPm.Engine.Logs;

/// <summary>The libc calls behind <see cref="AppendOnlyFile"/>.</summary>
internal sealed partial class AppendOnlyFile
{
    private const int AtCurrentDirectory = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxInodeAndSize = 0x100 | 0x200;
    private const uint StatxBirthTime = 0x800;

    // struct statx has one layout on every architecture (that is what it was made for).
    private const int StatxSize = 256;
    private const int StatxInode = 32;
    private const int StatxFileSize = 40;
    private const int StatxBirthSeconds = 80;
    private const int StatxBirthNanoseconds = 88;
    private const int StatxDevMajor = 136;
    private const int StatxDevMinor = 140;

    /// <summary>Whether libc has statx (glibc 2.28 and later); without it, renames and truncations are only caught by a reopen.</summary>
    private static bool s_statxMissing;

    /// <summary>statx(2) of a path, or (with <see cref="AtEmptyPath"/> and an empty path) of an open descriptor.</summary>
    private static unsafe FileIdentity? Stat(string path, int fd, int flags)
    {
        if (s_statxMissing)
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        try
        {
            if (StatxNative(fd, path, flags, StatxInodeAndSize | StatxBirthTime, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            s_statxMissing = true;
            return null;
        }

        var statx = new ReadOnlySpan<byte>(buffer, StatxSize);
        return new FileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(statx[StatxDevMajor..]),
            BinaryPrimitives.ReadUInt32LittleEndian(statx[StatxDevMinor..]),
            BinaryPrimitives.ReadUInt64LittleEndian(statx[StatxInode..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(statx[StatxFileSize..]))
        {
            // Where the file system keeps it (ext4, xfs, btrfs, tmpfs...): tells a file from a later one that reuses its inode.
            Born = (BinaryPrimitives.ReadUInt32LittleEndian(statx) & StatxBirthTime) != 0
                ? (BinaryPrimitives.ReadInt64LittleEndian(statx[StatxBirthSeconds..]) * 1_000_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(statx[StatxBirthNanoseconds..])
                : 0,
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* data, nuint count);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long SeekNative(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);
}

/// <summary>Which file (device and inode) and how large it is.</summary>
internal readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode, long Size)
{
    /// <summary>When the file was created, in nanoseconds since 1970; 0 where the file system does not say.</summary>
    public long Born { get; init; }

    /// <summary>A place in this file.</summary>
    public LogPosition At(long offset) => new(Inode, Born, offset);

    /// <summary>Whether two identities name the same file (sizes aside).</summary>
    public bool SameFile(FileIdentity other) =>
        DeviceMajor == other.DeviceMajor && DeviceMinor == other.DeviceMinor && Inode == other.Inode;
}
