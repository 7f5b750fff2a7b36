using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KrustPm.Engine.Logs;

/// <summary>
/// A file opened with <c>O_APPEND</c>, which .NET cannot do (<see cref="FileMode.Append"/> only seeks to the end once):
/// every write lands at the file's end as it is at that moment, so when a tool truncates the file (logrotate's
/// <c>copytruncate</c>) the next write starts at offset 0 instead of leaving a hole of NUL bytes up to the old
/// offset. Also tells which file it is (device and inode) and its size, to notice a rename or a truncation.
/// </summary>
internal sealed partial class AppendOnlyFile : IDisposable
{
    // open(2) flags, the same on x86-64 and arm64.
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Append = 0x400;
    private const int CloseOnExec = 0x80000;

    /// <summary>rw-rw-rw-, less the umask: what <see cref="FileStream"/> creates files with.</summary>
    private const int CreateMode = 0x1B6;

    private const int SeekCurrent = 1;
    private const int Eintr = 4;
    private const int Eacces = 13;
    private const int Eperm = 1;

    private readonly SafeFileHandle _handle;

    private AppendOnlyFile(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The path the file was opened at (it may since have been renamed or removed).</summary>
    public string Path { get; }

    /// <summary>Opens (creating if missing) a file for appending.</summary>
    /// <exception cref="IOException">It cannot be opened (no such directory, a directory in the way...).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static AppendOnlyFile Open(string path)
    {
        int fd;
        do
        {
            fd = OpenNative(path, WriteOnly | Create | Append | CloseOnExec, CreateMode);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Eintr);

        if (fd < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), $"cannot open '{path}'");
        }

        return new AppendOnlyFile(new SafeFileHandle(fd, ownsHandle: true), path);
    }

    /// <summary>Which file a path names now, or <see langword="null"/> when nothing (or nothing that can be told) is there.</summary>
    public static FileIdentity? IdentityOf(string path) => Stat(path, fd: AtCurrentDirectory, flags: 0);

    /// <summary>Which file this is, and its size now; <see langword="null"/> if that cannot be told.</summary>
    public FileIdentity? Identity()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return Stat(string.Empty, (int)_handle.DangerousGetHandle(), AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Appends every byte (a write may take several system calls).</summary>
    /// <exception cref="IOException">The write failed (disk full, I/O error...).</exception>
    public unsafe void Write(ReadOnlySpan<byte> data)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var fd = (int)_handle.DangerousGetHandle();
            fixed (byte* start = data)
            {
                var done = 0;
                while (done < data.Length)
                {
                    var written = WriteNative(fd, start + done, (nuint)(data.Length - done));
                    if (written < 0)
                    {
                        var error = Marshal.GetLastPInvokeError();
                        if (error == Eintr)
                        {
                            continue;
                        }

                        throw Failure(error, $"cannot write to '{Path}'");
                    }

                    done += (int)written;
                }
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Where the last write ended (the file offset, <c>lseek(fd, 0, SEEK_CUR)</c>): with <c>O_APPEND</c> that is the
    /// file's end as that write found it, after a truncation by another tool included; -1 if it cannot be told.
    /// </summary>
    public long EndOfLastWrite()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return SeekNative((int)_handle.DangerousGetHandle(), 0, SeekCurrent);
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    private static Exception Failure(int errno, string what)
    {
        var message = $"{what}: {Marshal.GetPInvokeErrorMessage(errno)}";
        return errno is Eacces or Eperm ? new UnauthorizedAccessException(message) : new IOException(message, errno);
    }
}
