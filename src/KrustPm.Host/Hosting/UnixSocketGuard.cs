using System.Runtime.InteropServices;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Makes the API's Unix socket reachable by its owner only (mode 0600): the umask is narrowed while the server binds
/// (so the socket is never open to others, not even for a moment), then restored before any program starts.
/// A stale socket file from an earlier run is removed first.
/// </summary>
internal sealed partial class UnixSocketGuard
{
    private readonly string _path;
    private readonly uint _previousMask;

    private UnixSocketGuard(string path, uint previousMask)
    {
        _path = path;
        _previousMask = previousMask;
    }

    public static UnixSocketGuard BeforeBind(string path)
    {
        if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.Directory) == 0)
        {
            File.Delete(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new UnixSocketGuard(path, SetMask(0b000_111_111));
    }

    public void AfterBind()
    {
        _ = SetMask(_previousMask);
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetMask(uint mask);
}
