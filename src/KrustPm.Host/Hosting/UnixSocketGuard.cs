using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KrustPm.Host.Hosting;

/// <summary>What is at the path of the API's Unix socket before krust-pm binds it.</summary>
internal enum SocketPathState
{
    /// <summary>Nothing: the socket can be bound.</summary>
    Free,

    /// <summary>A socket nobody answers on (left by a krust-pm that was killed): it is replaced.</summary>
    Stale,

    /// <summary>A socket a server answers on (another krust-pm?): refused, like a busy TCP port.</summary>
    Live,

    /// <summary>A file that is not a socket (or a link): never deleted, refused.</summary>
    NotASocket,

    /// <summary>The folder does not exist: refused (krust-pm creates no folders, least of all as root).</summary>
    NoDirectory,
}

/// <summary>
/// Guards the API's Unix socket. Before the server binds: only a stale socket (a socket nobody answers on) is
/// removed; a live one, any other file and a missing folder are refused (<see cref="Inspect"/>), so krust-pm never
/// destroys a file nor steals another server's socket. While it binds: the umask is narrowed so the socket is
/// reachable by its owner only (mode 0600), not even for a moment by others, then restored before any program starts.
/// </summary>
internal sealed partial class UnixSocketGuard
{
    private const int NoSuchFile = 2;
    private const uint TypeMask = 0xF000; // S_IFMT
    private const uint SocketType = 0xC000; // S_IFSOCK
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly uint _previousMask;

    private UnixSocketGuard(string path, uint previousMask)
    {
        _path = path;
        _previousMask = previousMask;
    }

    /// <summary>Looks at what is at <paramref name="path"/> without changing anything.</summary>
    public static SocketPathState Inspect(string path)
    {
        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            return SocketPathState.NoDirectory;
        }

        switch (FileType(path))
        {
            case null:
                return SocketPathState.Free;
            case SocketType:
                break;
            default:
                return SocketPathState.NotASocket;
        }

        using var socket = new Socket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).AsTask().GetAwaiter().GetResult();
            return SocketPathState.Live;
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return SocketPathState.Stale;
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException)
        {
            // Not allowed to connect (someone else's socket), or a server too busy to accept: not ours to remove.
            return SocketPathState.Live;
        }
    }

    /// <summary>What is wrong with <paramref name="state"/> at <paramref name="path"/>, in words; <see langword="null"/> when it can be bound.</summary>
    public static string? Describe(SocketPathState state, string path) => state switch
    {
        SocketPathState.NoDirectory => $"the directory {Path.GetDirectoryName(path)} does not exist (krust-pm does not create it)",
        SocketPathState.NotASocket => $"{path} exists and is not a socket (krust-pm does not delete it)",
        SocketPathState.Live => $"a server answers on this socket (another krust-pm?)",
        _ => null,
    };

    /// <summary>Runs before the server binds: removes a stale socket, refuses anything else that is in the way.</summary>
    /// <exception cref="StartRefusedException">The socket cannot be bound without harm.</exception>
    public static UnixSocketGuard BeforeBind(string path)
    {
        var state = Inspect(path);
        if (state == SocketPathState.Stale)
        {
            File.Delete(path);
        }
        else if (Describe(state, path) is { } problem)
        {
            throw new StartRefusedException($"cannot listen on unix:{path}: {problem}");
        }

        return new UnixSocketGuard(path, SetMask(0b000_111_111));
    }

    public void AfterBind()
    {
        _ = SetMask(_previousMask);
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The file type bits of <paramref name="path"/> itself (a link is not followed); <see langword="null"/> when nothing is there.</summary>
    private static unsafe uint? FileType(string path)
    {
        var buffer = stackalloc byte[256]; // struct statx is 256 bytes
        int result;
        try
        {
            result = Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.28: the type cannot be told, so nothing there is ever deleted.
            return File.Exists(path) || Directory.Exists(path) ? 0 : null;
        }

        if (result != 0)
        {
            return Marshal.GetLastPInvokeError() == NoSuchFile ? null : 0; // unreadable: treated as not a socket
        }

        var mode = *(ushort*)(buffer + 28); // stx_mode
        return mode & TypeMask;
    }

    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetMask(uint mask);
}
