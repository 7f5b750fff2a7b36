namespace KrustPm.Engine;

/// <summary>Linux signal numbers the engine uses, and their names.</summary>
public static class Signals
{
    /// <summary>SIGHUP.</summary>
    public const int Hangup = 1;

    /// <summary>SIGINT.</summary>
    public const int Interrupt = 2;

    /// <summary>SIGQUIT.</summary>
    public const int Quit = 3;

    /// <summary>SIGKILL: cannot be caught; used when a stop times out.</summary>
    public const int Kill = 9;

    /// <summary>SIGUSR1.</summary>
    public const int User1 = 10;

    /// <summary>SIGUSR2.</summary>
    public const int User2 = 12;

    /// <summary>SIGTERM: the default stop signal.</summary>
    public const int Terminate = 15;

    private static readonly (string Name, int Number)[] Known =
    [
        ("HUP", Hangup), ("INT", Interrupt), ("QUIT", Quit), ("KILL", Kill),
        ("USR1", User1), ("USR2", User2), ("TERM", Terminate),
    ];

    /// <summary>Parses a signal name such as <c>TERM</c> or <c>SIGTERM</c> (any case).</summary>
    /// <param name="name">The name to parse.</param>
    /// <param name="signal">The signal number when the name is known.</param>
    /// <returns>Whether the name is a known signal.</returns>
    public static bool TryParse(string name, out int signal)
    {
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
        foreach (var (known, number) in Known)
        {
            if (string.Equals(known, bare, StringComparison.OrdinalIgnoreCase))
            {
                signal = number;
                return true;
            }
        }

        signal = 0;
        return false;
    }

    /// <summary>The names accepted by <see cref="TryParse"/>, for error messages.</summary>
    public static IEnumerable<string> Names => Known.Select(k => k.Name);
}
